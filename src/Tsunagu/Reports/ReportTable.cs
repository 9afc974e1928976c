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
    int FiscalYear, string? Title, ReportStatus Status, int? PublishedVersion, IReadOnlyList<ReportColumnHead> Columns)
{
    /// <summary>Each published version up to this one (none before 公表): when, and for a correction what and why.</summary>
    public IReadOnlyList<PublicationNote> Publications { get; init; } = [];

    /// <summary>
    /// When the content stands as it is: the report's last change, or a published version's publication. An export
    /// states this rather than the moment it was written, so the same table is the same file.
    /// </summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>The report's version as read (<see cref="AnnualReport.Version"/>); 0 for a published version's snapshot.</summary>
    public int Version { get; init; }
}

public sealed record ReportColumnHead(ReportColumnRole Role, string Header);

/// <summary>
/// A published version: version 1 is 公表; each later one corrected a cell for a reason — the program's code and the
/// column's header as printed (実績に対する評価), where the correction recorded them.
/// </summary>
public sealed record PublicationNote(int Version, DateTimeOffset PublishedAt, string? ProgramCode, string? Column, string? Reason);

/// <summary>
/// A figure of a program's year as the table states it. A figure printed in the 実績 cell comes first, in the cell's
/// order, with its value as printed; a figure counted from the records but not printed (the denominator of a rate)
/// follows. <see cref="Key"/> is the definition's key where a definition counts the figure, else its label.
/// <see cref="Counted"/> is what the records count, where they count it; <see cref="Source"/> says where the stated
/// value came from: computed (it is the count), manual (a person set it), imported (read from the table's text).
/// </summary>
public sealed record ReportFigure(
    string? Key, string Label, decimal Value, string? Unit, CountingBasis Basis, bool Approximate, IndicatorSource Source, bool Printed,
    string Text, decimal? Counted = null, string? NumeratorKey = null, string? DenominatorKey = null);

/// <summary>Last year's value of a figure, shown after this year's in 【】.</summary>
public sealed record PreviousFigure(string Label, string? Unit, decimal Value);

public sealed record ReportProgram(
    string Code,
    string Name,
    IReadOnlyDictionary<ReportColumnRole, string> Cells,
    IReadOnlyList<BureauRef> Bureaus,
    IReadOnlyList<ReportFigure> Figures,
    IReadOnlyList<PreviousFigure>? PreviousYear = null)
{
    public string Cell(ReportColumnRole role) => Cells.TryGetValue(role, out var text) ? text : "";

    public decimal? Previous(string label, string? unit) =>
        PreviousYear?.FirstOrDefault(p => p.Label == label && p.Unit == unit)?.Value;
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
        // Enumerations as the rest of the API writes them ("Draft", "DistinctPersons"); reading accepts any casing,
        // so snapshots published before 2026-12 ("draft") still read.
        Converters = { new JsonStringEnumConverter() },
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
        // Every change to a published report is a new published version in the same transaction: the live table of a
        // published report is its latest version.
        var publications = report.IsPublished ? await PublicationsAsync(report.Id, int.MaxValue, columns, ct) : [];
        var head = new ReportHead(report.FiscalYear, report.Title, report.Status, publications.LastOrDefault()?.Version, columns)
        {
            Publications = publications,
            AsOf = report.UpdatedAt,
            Version = report.Version,
        };
        return new ReportTable(head, () => ReadPrograms(report.Id, fiscalYear, ct));
    }

    /// <summary>A published version exactly as it was published, from its snapshot.</summary>
    public async Task<ReportTable> ReadPublishedAsync(int fiscalYear, int version, CancellationToken ct = default)
    {
        var publication = await db.ReportPublications.AsNoTracking()
            .Where(p => p.Version == version && db.Reports.Any(r => r.Id == p.ReportId && r.FiscalYear == fiscalYear))
            .Select(p => new { p.ReportId, p.Snapshot, p.PublishedAt })
            .SingleOrDefaultAsync(ct) ?? throw new ReportNotFoundException(fiscalYear, version);
        var document = JsonSerializer.Deserialize<ReportDocument>(publication.Snapshot, ReportTable.Json)!;
        var programs = document.Programs;
        if (programs.Any(p => p.PreviousYear is null || p.Figures.Any(f => f.Key is null)))
        {
            programs = await UpgradeSnapshotAsync(document, ct);
        }
        var head = document.Head() with
        {
            PublishedVersion = version,
            Publications = await PublicationsAsync(publication.ReportId, version, document.Columns, ct),
            AsOf = publication.PublishedAt,
        };
        return new ReportTable(head, () => programs.ToAsyncEnumerable());
    }

    async Task<List<PublicationNote>> PublicationsAsync(int reportId, int upTo, IReadOnlyList<ReportColumnHead> columns, CancellationToken ct) =>
        [.. (await db.ReportPublications.AsNoTracking().Where(p => p.ReportId == reportId && p.Version <= upTo).OrderBy(p => p.Version)
                .Select(p => new { p.Version, p.PublishedAt, p.ProgramCode, p.Column, p.Reason })
                .ToListAsync(ct))
            .Select(p => new PublicationNote(p.Version, p.PublishedAt, p.ProgramCode,
                p.Column is { } role ? columns.FirstOrDefault(c => c.Role == role)?.Header ?? role.Japanese() : null, p.Reason))];

    /// <summary>
    /// A snapshot published before figures had keys and last year's values (2026-12): its figures listed what was
    /// stored, text and count side by side. They are stated the way a snapshot states them now, and last year's values
    /// are read from the database (they are last year's published figures, which a correction rarely touches).
    /// </summary>
    async Task<IReadOnlyList<ReportProgram>> UpgradeSnapshotAsync(ReportDocument document, CancellationToken ct)
    {
        var codes = document.Programs.Select(p => p.Code).ToList();
        var ids = await db.Programs.AsNoTracking().Where(p => codes.Contains(p.Code)).ToDictionaryAsync(p => p.Code, p => p.Id, ct);
        var previous = await FigureValues.ByProgramAsync(db, document.FiscalYear - 1, [.. ids.Values], ct);
        return [.. document.Programs.Select(p => p with
        {
            PreviousYear = p.PreviousYear ?? (ids.TryGetValue(p.Code, out var id) ? [.. previous[id]] : []),
            Figures = p.Figures.Any(f => f.Key is null) ? FigureValues.State([.. p.Figures.Select(StoredFigure.Of)], []) : p.Figures,
        })];
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
            var figures = (await db.IndicatorValues.AsNoTracking().Include(v => v.Definition)
                    .Where(v => v.FiscalYear == fiscalYear && programIds.Contains(v.ProgramId))
                    .ToListAsync(ct))
                .OrderBy(v => v.Position)
                .ToLookup(v => v.ProgramId);
            var definitions = (await IndicatorDefinitions.InForceAsync(db, fiscalYear, programIds, ct)).ToLookup(d => d.ProgramId);
            var previous = await FigureValues.ByProgramAsync(db, fiscalYear - 1, programIds, ct);
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
                    FigureValues.State([.. figures[r.Row.ProgramId].Select(StoredFigure.Of)], definitions[r.Row.ProgramId]),
                    [.. previous[r.Row.ProgramId]]);
            }
            if (rows.Count < BatchSize)
            {
                yield break;
            }
        }
    }
}

/// <summary>The JSON form of a whole report: the machine-readable export and the published snapshot.</summary>
/// <remarks>
/// <see cref="ReportExporter"/> writes it field by field, streaming the programs; this record is its shape for the API's
/// document and for reading a snapshot back. A snapshot has no city (an export names the city configured when it is made).
/// </remarks>
public sealed record ReportDocument(
    int FiscalYear,
    string FiscalYearLabel,
    string? CityCode,
    string? CityName,
    string? Title,
    ReportStatus Status,
    int? PublishedVersion,
    DateTimeOffset? AsOf,
    IReadOnlyList<PublicationNote>? Publications,
    IReadOnlyList<ReportColumnHead> Columns,
    IReadOnlyList<ReportProgram> Programs)
{
    public ReportHead Head() => new(FiscalYear, Title, Status, PublishedVersion, Columns);
}
