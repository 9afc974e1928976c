using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Programs;

namespace Tsunagu.Reports;

/// <summary>
/// A report as every export and check reads it: its head, then its programs one by one. The same shape is the
/// JSON export and the snapshot of a published version, so a published version reads back like a live report.
/// </summary>
public sealed record ReportHead(
    int FiscalYear, string? Title, ReportStatus Status, int? PublishedVersion, IReadOnlyList<ReportColumnHead> Columns);

public sealed record ReportColumnHead(ReportColumnRole Role, string Header);

public sealed record ReportFigure(
    string Label, decimal Value, string? Unit, CountingBasis Basis, bool Approximate, IndicatorSource Source, string Text);

public sealed record ReportProgram(
    string Code,
    string Name,
    IReadOnlyDictionary<ReportColumnRole, string> Cells,
    IReadOnlyList<BureauRef> Bureaus,
    IReadOnlyList<ReportFigure> Figures)
{
    public string Cell(ReportColumnRole role) => Cells.TryGetValue(role, out var text) ? text : "";
}

public sealed class ReportTable(ReportHead head, Func<IAsyncEnumerable<ReportProgram>> programs)
{
    public ReportHead Head { get; } = head;

    /// <summary>Streams the programs in row order; each call reads them afresh, so a table can be read twice.</summary>
    public IAsyncEnumerable<ReportProgram> Programs() => programs();

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Japanese stays readable in the file rather than \uXXXX escapes.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        WriteIndented = true,
    };
}

public sealed class ReportNotFoundException(int fiscalYear, int? version = null) : RefusalException(RefusalKind.NotFound, version is null
    ? $"{FiscalYears.LabelWithWestern(fiscalYear)}の報告はまだありません。`tsunagu report import` で取り込んでください。"
    : $"{FiscalYears.LabelWithWestern(fiscalYear)}の公表版 第{version}版はありません。");

/// <summary>
/// Reads a report from the database, in batches so that memory stays flat however long the table is. As a service
/// (the report page, every export, the public site) it reads from the reading server when there is one
/// (<see cref="TsunaguDb.Reading"/>); the workflow's checks construct it on the context they write with.
/// </summary>
public sealed class ReportReader([FromKeyedServices(TsunaguDb.Reading)] TsunaguDb db)
{
    const int BatchSize = 1000;

    public async Task<ReportTable> ReadAsync(int fiscalYear, CancellationToken ct = default)
    {
        var report = await db.Reports.AsNoTracking().Include(r => r.Columns)
            .SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct) ?? throw new ReportNotFoundException(fiscalYear);
        var columns = report.Columns.OrderBy(c => c.Position).Select(c => new ReportColumnHead(c.Role, c.Header)).ToList();
        var head = new ReportHead(report.FiscalYear, report.Title, report.Status, null, columns);
        return new ReportTable(head, () => ReadPrograms(report.Id, fiscalYear, ct));
    }

    /// <summary>A published version exactly as it was published, from its snapshot.</summary>
    public async Task<ReportTable> ReadPublishedAsync(int fiscalYear, int version, CancellationToken ct = default)
    {
        var snapshot = await db.ReportPublications.AsNoTracking()
            .Where(p => p.Version == version && db.Reports.Any(r => r.Id == p.ReportId && r.FiscalYear == fiscalYear))
            .Select(p => p.Snapshot)
            .SingleOrDefaultAsync(ct) ?? throw new ReportNotFoundException(fiscalYear, version);
        var document = JsonSerializer.Deserialize<ReportDocument>(snapshot, ReportTable.Json)!;
        return new ReportTable(document.Head() with { PublishedVersion = version }, () => document.Programs.ToAsyncEnumerable());
    }

    async IAsyncEnumerable<ReportProgram> ReadPrograms(int reportId, int fiscalYear, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var from = 0; ; from += BatchSize)
        {
            var rows = await db.ReportRows.AsNoTracking()
                .Where(r => r.ReportId == reportId && r.Position >= from && r.Position < from + BatchSize)
                .OrderBy(r => r.Position)
                .Select(r => new { Row = r, r.Program.Code, r.Program.Name })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                yield break;
            }
            var programIds = rows.Select(r => r.Row.ProgramId).ToList();
            var figures = (await db.IndicatorValues.AsNoTracking()
                    .Where(v => v.FiscalYear == fiscalYear && programIds.Contains(v.ProgramId))
                    .ToListAsync(ct))
                .OrderBy(v => v.Source).ThenBy(v => v.Position)
                .ToLookup(v => v.ProgramId);
            var bureaus = (await db.ProgramBureaus.AsNoTracking()
                    .Where(b => b.FiscalYear == fiscalYear && programIds.Contains(b.ProgramId))
                    .OrderBy(b => b.Position)
                    .Select(b => new { b.ProgramId, b.Bureau.Name, b.Scope })
                    .ToListAsync(ct))
                .ToLookup(b => b.ProgramId);
            foreach (var r in rows)
            {
                var cells = Enum.GetValues<ReportColumnRole>().ToDictionary(role => role, r.Row.Cell);
                yield return new ReportProgram(
                    r.Code,
                    r.Name,
                    cells,
                    bureaus[r.Row.ProgramId].Select(b => new BureauRef(b.Name, b.Scope)).ToList(),
                    figures[r.Row.ProgramId]
                        .Select(v => new ReportFigure(v.Label, v.Value, v.Unit, v.Basis, v.Approximate, v.Source, v.SourceText))
                        .ToList());
            }
            if (rows.Count < BatchSize)
            {
                yield break;
            }
        }
    }
}

/// <summary>The JSON form of a whole report: the machine-readable export and the published snapshot.</summary>
public sealed record ReportDocument(
    int FiscalYear,
    string? Title,
    ReportStatus Status,
    int? PublishedVersion,
    IReadOnlyList<ReportColumnHead> Columns,
    IReadOnlyList<ReportProgram> Programs)
{
    public ReportHead Head() => new(FiscalYear, Title, Status, PublishedVersion, Columns);
}
