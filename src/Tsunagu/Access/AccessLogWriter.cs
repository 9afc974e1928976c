using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>
/// Writes the access log with group commit. Every person read waits for its entry to be durable before anything of
/// the person is shown (the log fails closed), and each commit is a transaction holding the chain's lock and an fsync:
/// one at a time, they made every concurrent person read queue behind the others. Requests that arrive while a commit
/// is under way join the next one, which writes all of their entries in one transaction; each request still returns
/// only once its own entries have committed, and sees the exception if they did not. Nothing waits on purpose, so a
/// lone request pays no extra latency.
/// </summary>
public class AccessLogWriter(DatabaseSettings settings, ILogger<AccessLogWriter> logger)
{
    sealed record Waiting(IReadOnlyList<AccessLogEntry> Entries)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly Lock gate = new();
    List<Waiting> queue = [];
    bool committing;

    /// <summary>
    /// Returns once <paramref name="entries"/> are committed; throws what the commit threw if they were not. Virtual for
    /// one reason: the load benchmark measures the same pages without the log, beside them with it.
    /// </summary>
    public virtual Task WriteAsync(IReadOnlyList<AccessLogEntry> entries)
    {
        var waiting = new Waiting(entries);
        bool lead;
        lock (gate)
        {
            queue.Add(waiting);
            lead = !committing;
            committing = true;
        }
        if (lead)
        {
            // The loop serves other requests' entries after this one has ended: it carries none of its context
            // (HttpContext, logging scopes, the trace).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(CommitQueuedAsync);
            }
        }
        return waiting.Done.Task;
    }

    async Task CommitQueuedAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    committing = false;
                    return;
                }
                (batch, queue) = (queue, []);
            }
            try
            {
                await using var db = settings.NewContext();
                db.AccessLog.AddRange(batch.SelectMany(w => w.Entries));
                await db.SaveChangesAsync();
                batch.ForEach(w => w.Done.SetResult());
            }
            catch (Exception e)
            {
                logger.LogWarning("Access-log entries of {Requests} requests were not written: {Error}", batch.Count, e.GetType().Name);
                batch.ForEach(w => w.Done.SetException(e));
            }
        }
    }
}
