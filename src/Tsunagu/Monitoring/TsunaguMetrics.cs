using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Monitoring;

/// <summary>
/// Tsunagu's own instruments, beside ASP.NET Core's (requests, latency, errors), Kestrel's, Npgsql's (the connection
/// pool) and the runtime's, all exported on the monitoring port (<see cref="Monitoring"/>). Nothing here names a person:
/// counts, states and times only.
/// </summary>
public sealed class TsunaguMetrics
{
    public const string MeterName = "Tsunagu";

    readonly Counter<long> importedRows;
    readonly UpDownCounter<long> runningImports;

    public TsunaguMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        var meter = meters.Create(MeterName);
        importedRows = meter.CreateCounter<long>("tsunagu.records.import.rows", "{row}", "Rows of records files read by imports and previews: a running import's progress");
        runningImports = meter.CreateUpDownCounter<long>("tsunagu.records.import.active", "{import}", "Records imports and previews running now");
        // The last `audit verify`: 1 if both hash chains were intact, 0 if not; nothing before the first verification.
        meter.CreateObservableGauge("tsunagu.audit.chain.intact", () => Last(scopes) is { } v ? [new Measurement<int>(v.Intact ? 1 : 0)] : Array.Empty<Measurement<int>>(),
            description: "Whether the last audit verification found the audit and access-log chains intact (1) or broken (0)");
        meter.CreateObservableGauge("tsunagu.audit.chain.verified_age", () => Last(scopes) is { } v ? [new Measurement<double>((DateTimeOffset.UtcNow - v.At).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s", "Seconds since the last audit verification");
    }

    static Audit.AuditVerification? Last(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TsunaguDb>().AuditVerifications.AsNoTracking().OrderByDescending(v => v.Id).FirstOrDefault();
    }

    /// <summary>An import or preview from its start; disposing it ends it.</summary>
    public Running ImportStarted()
    {
        runningImports.Add(1);
        return new Running(runningImports);
    }

    public void RowsRead(int rows) => importedRows.Add(rows);

    public sealed class Running(UpDownCounter<long> running) : IDisposable
    {
        public void Dispose() => running.Add(-1);
    }
}
