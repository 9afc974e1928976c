using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Idempotency;

/// <summary>
/// The rules of the <c>Idempotency-Key</c> header on API writes (IETF draft-ietf-httpapi-idempotency-key-header): a key
/// of visible ASCII characters, kept for a day; the same key and request answered with the first answer; the same key
/// with another request 422; a retry while the first is still running 409.
/// </summary>
public static class IdempotencyRules
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>How long a key is remembered: far longer than any client retries.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromHours(24);

    public static bool IsValidKey(string key) => key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= '!' and <= '~');

    public static byte[] Hash(string method, string pathAndQuery, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{method} {pathAndQuery}\n"));
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }
}

/// <summary>The request's key while it runs: what the first change saved carries with it.</summary>
public sealed class IdempotencyFeature(TsunaguDb db, string userId, string key, byte[] hash)
{
    /// <summary>The request's own context: saves made elsewhere during the request (a session's renewal) are not its change.</summary>
    public TsunaguDb Db { get; } = db;

    public string UserId { get; } = userId;
    public string Key { get; } = key;
    public byte[] Hash { get; } = hash;

    /// <summary>Whether the row went out with a change that committed (then the answer is stored beside it).</summary>
    public bool Saved { get; set; }

    internal IdempotentRequest? Pending { get; set; }
}

/// <summary>
/// Adds the request's <see cref="IdempotentRequest"/> to the first save that changes records, so the key and the
/// change commit or fail together. The access-log entry a write makes when it reads its person first is not such a
/// change: it commits on its own, and a request that failed after it may be retried with the same key. Changes made
/// outside SaveChanges (bulk updates) are not covered; no API write makes one today.
/// </summary>
public sealed class IdempotencyInterceptor(IHttpContextAccessor http, TimeProvider time) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (http.HttpContext?.Features.Get<IdempotencyFeature>() is { Saved: false, Pending: null } feature && eventData.Context is { } db
            && ReferenceEquals(db, feature.Db) && db.ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is not AccessLogEntry))
        {
            feature.Pending = new IdempotentRequest { UserId = feature.UserId, Key = feature.Key, RequestHash = feature.Hash, At = time.GetUtcNow() };
            db.Add(feature.Pending);
        }
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (http.HttpContext?.Features.Get<IdempotencyFeature>() is { Pending: not null } feature)
        {
            feature.Saved = true;
            feature.Pending = null;
        }
        return ValueTask.FromResult(result);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (http.HttpContext?.Features.Get<IdempotencyFeature>() is { Pending: { } pending } feature && eventData.Context is { } db)
        {
            db.Entry(pending).State = EntityState.Detached;
            feature.Pending = null;
        }
        return Task.CompletedTask;
    }
}

/// <summary>The header's handling around every API write (POST, PUT, PATCH, DELETE under /api/).</summary>
public static class IdempotencyMiddleware
{
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.UseWhen(
        c => c.Request.IsApi() && c.Request.Headers.ContainsKey(IdempotencyRules.Header)
            && (HttpMethods.IsPost(c.Request.Method) || HttpMethods.IsPut(c.Request.Method) || HttpMethods.IsPatch(c.Request.Method) || HttpMethods.IsDelete(c.Request.Method)),
        a => a.Use(HandleAsync));

    static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.Request.Headers[IdempotencyRules.Header].ToString();
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            await next(context); // not signed in: the endpoint's 401
            return;
        }
        if (!IdempotencyRules.IsValidKey(key))
        {
            await Problem(context, StatusCodes.Status400BadRequest,
                $"{IdempotencyRules.Header} は英数字と記号（空白を除く ASCII）で {IdempotencyRules.MaxKeyLength} 文字までにしてください。");
            return;
        }
        // The body is read once to fingerprint the request and again by the endpoint. It is bounded by the server's
        // own request limit before this reads it.
        context.Request.EnableBuffering();
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        context.Request.Body.Position = 0;
        var hash = IdempotencyRules.Hash(context.Request.Method, context.Request.Path + context.Request.QueryString, copy.ToArray());

        var db = context.RequestServices.GetRequiredService<TsunaguDb>();
        var requests = db.Set<IdempotentRequest>();
        // Keys past their day go first, everyone's: a key is forgotten on time even if its account sends no more.
        var since = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - IdempotencyRules.Kept;
        await requests.Where(r => r.At <= since).ExecuteDeleteAsync(context.RequestAborted);
        var earlier = await requests.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key, context.RequestAborted);
        if (earlier is not null)
        {
            await ReplayAsync(context, earlier, hash);
            return;
        }

        var feature = new IdempotencyFeature(db, userId, key, hash);
        context.Features.Set(feature);
        // The answer is stored as it starts, before the client can have it and retry: status and Location only. Its
        // body (a contact with its notes) is not kept: a replay says what happened and where, and the client reads it
        // there, through the scope, as it is now.
        context.Response.OnStarting(async () =>
        {
            if (feature.Saved)
            {
                var status = context.Response.StatusCode;
                string? location = context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null;
                try
                {
                    await requests.Where(r => r.UserId == userId && r.Key == key)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status).SetProperty(r => r.Location, location), CancellationToken.None);
                }
                catch (Exception e) when (DatabaseFault.Describe(e) is { } fault)
                {
                    // The change committed and the database went away just after (a failover): the client still gets
                    // its answer; a retry with the key is told that it was processed (409), never done twice.
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Idempotency")
                        .LogWarning("The answer to an Idempotency-Key was not stored: {Fault}", fault);
                }
            }
        });
        try
        {
            await next(context);
        }
        catch (DbUpdateException) when (!feature.Saved && !context.Response.HasStarted)
        {
            if (!await requests.AsNoTracking().AnyAsync(r => r.UserId == userId && r.Key == key))
            {
                throw;
            }
            // Two sends of one key at once: the other committed first, and this one's change was rolled back with its key.
            await Problem(context, StatusCodes.Status409Conflict, "同じ Idempotency-Key の要求がほかで処理されました。結果を確かめてください。");
        }
    }

    static async Task ReplayAsync(HttpContext context, IdempotentRequest earlier, byte[] hash)
    {
        if (!earlier.RequestHash.AsSpan().SequenceEqual(hash))
        {
            await Problem(context, StatusCodes.Status422UnprocessableEntity,
                "この Idempotency-Key は別の内容の要求に使われています。新しい要求には新しいキーを使ってください。");
            return;
        }
        if (earlier.StatusCode is not { } status)
        {
            await Problem(context, StatusCodes.Status409Conflict,
                "この要求はすでに処理されていますが、応答が残っていません（処理中か、応答の前にサーバーが止まりました）。結果を確かめてください。");
            return;
        }
        context.Response.StatusCode = status;
        context.Response.Headers["Idempotent-Replayed"] = "true";
        if (earlier.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }
    }

    static Task Problem(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status).ExecuteAsync(context);
}
