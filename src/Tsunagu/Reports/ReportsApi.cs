using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Reports;

public sealed record ReportSummary(int FiscalYear, string FiscalYearLabel, string? Title, ReportStatus Status, int Programs);

public sealed record FindingItem(string ProgramCode, string ProgramName, ReportColumnRole Column, string ColumnHeader, string Kind, string Message, string Quote);

public sealed record EvaluationUpdate([property: Required] string Text, string? Reason);

public sealed record FigureUpdate([property: Range(0, double.MaxValue)] decimal Value, string? Reason);

public sealed record StatusUpdate(ReportStatus To, string? Reason);

public sealed record ChangeResult(int? PublishedVersion);

public sealed record ReportRowItem(int FiscalYear, string Code, string Name, string Overview, string Results, string Evaluation, string Bureau, int Version);

/// <summary>
/// The annual reports under /api/v1: the same data and rules as the pages, under the same sign-in and roles. Write
/// endpoints take JSON only, which a cross-site form cannot send, and the session cookie is SameSite=Strict: together,
/// the CSRF defence.
/// </summary>
public static class ReportsApi
{
    public static void MapReportsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("reports");

        api.MapGet("/reports", async (TsunaguDb db, CancellationToken ct) =>
            (await db.Reports.AsNoTracking().OrderBy(r => r.FiscalYear)
                .Select(r => new { r.FiscalYear, r.Title, r.Status, Programs = r.Rows.Count })
                .ToListAsync(ct))
            .Select(r => new ReportSummary(r.FiscalYear, FiscalYears.Label(r.FiscalYear), r.Title, r.Status, r.Programs)))
            .WithName("listReports").WithSummary("Reports by fiscal year");

        // A year or version that is not there is a ReportNotFoundException: 404 problem details (RefusalHandler).
        api.MapGet("/reports/{year:fiscalyear}", async Task<FileStreamHttpResult> (int year, int? version, ReportReader reader, IConfiguration configuration, HttpContext http, CancellationToken ct) =>
        {
            var table = version is { } v ? await reader.ReadPublishedAsync(year, v, ct) : await reader.ReadAsync(year, ct);
            if (version is null)
            {
                // What a status change is based on (If-Match). A published version never changes and has no ETag to match.
                http.Response.Headers.ETag = ETag(table.Head.Version);
            }
            var buffer = new MemoryStream();
            await ReportExporter.WriteAsync(table, ExportFormat.Json, new ExportOptions(City.From(configuration)), buffer, ct);
            buffer.Position = 0;
            return TypedResults.Stream(buffer, "application/json; charset=utf-8");
        }).WithName("getReport").WithSummary("A report as JSON: cells verbatim, bureaus, every figure with its key, unit, basis, source and a rate's parts; ?version=N for a published version")
          .Produces<ReportDocument>(contentType: "application/json");

        // The same files as the page's downloads. A format there is none of, or Shift_JIS for a format without it, is 400.
        api.MapGet("/reports/{year:fiscalyear}/files/{format}", async Task<FileStreamHttpResult> (
            int year, string format, int? version, string? encoding, bool? previousYear, ReportReader reader, IConfiguration configuration, CancellationToken ct) =>
        {
            var exportFormat = ExportFormats.Parse(format) ?? throw new RefusalException(RefusalKind.Invalid, ExportFormats.Unknown(format), "format");
            var textEncoding = ExportFormats.ParseEncoding(encoding)
                ?? throw new RefusalException(RefusalKind.Invalid, $"文字コード「{encoding}」は使えません。utf-8 か cp932 です。", "encoding");
            var table = version is { } v ? await reader.ReadPublishedAsync(year, v, ct) : await reader.ReadAsync(year, ct);
            var file = await ReportExporter.ToTemporaryFileAsync(table, exportFormat, new ExportOptions(City.From(configuration), textEncoding, previousYear ?? true), ct);
            return TypedResults.Stream(file, exportFormat.ContentType(textEncoding), exportFormat.FileName(year, version, textEncoding));
        }).Produces<Stream>(StatusCodes.Status200OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
            "text/tab-separated-values", "application/json", "text/html")
          .WithName("getReportFile").WithSummary("A report as a file: xlsx, csv, tsv, json, html, or its figures one per row (figures-csv, figures-xlsx); ?version=N, ?encoding=cp932, ?previousYear=false");

        api.MapGet("/reports/{year:fiscalyear}/findings", async Task<Ok<List<FindingItem>>> (int year, double? maxChange, TsunaguDb db, CancellationToken ct) =>
        {
            var findings = await ReportChecks.RunAsync(db, year, maxChange ?? ReportChecks.DefaultMaxChange, ct);
            return TypedResults.Ok(findings.Select(f => new FindingItem(
                f.ProgramCode, f.ProgramName, f.Column, f.ColumnHeader, Finding.KindCode(f.Kind), f.Message, f.Quote)).ToList());
        }).WithName("listReportFindings").WithSummary("Data-quality findings of a report");

        // A program's row of the year: what its evaluation and figures are written on. Its ETag is the row's version.
        api.MapGet("/reports/{year:fiscalyear}/programs/{code}", async Task<Results<Ok<ReportRowItem>, ProblemHttpResult>> (
            int year, string code, TsunaguDb db, HttpContext http, CancellationToken ct) =>
        {
            var row = await db.ReportRows.AsNoTracking()
                .Where(r => r.Program.Code == code && db.Reports.Any(p => p.Id == r.ReportId && p.FiscalYear == year))
                .Select(r => new ReportRowItem(year, code, r.ProgramName, r.Overview, r.Results, r.Evaluation, r.Bureau, r.Version))
                .SingleOrDefaultAsync(ct);
            if (row is null)
            {
                return TypedResults.Problem($"{FiscalYears.Label(year)}の報告に事業 {code} はありません。", statusCode: StatusCodes.Status404NotFound);
            }
            http.Response.Headers.ETag = ETag(row.Version);
            return TypedResults.Ok(row);
        }).WithName("getReportRow").WithSummary("A program's row of a year's report: its cells as printed, and its version (also the ETag; send it as If-Match when changing the row)");

        var write = api.MapGroup("").RequireAuthorization(Policies.Edit);

        write.MapPut("/reports/{year:fiscalyear}/programs/{code}/evaluation", (int year, string code, EvaluationUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeRowAsync(http, () => workflow.EditCellAsync(year, code, ReportColumnRole.Evaluation, body.Text, Actor(http), body.Reason, IfMatch(http), ct)))
            .WithName("setEvaluation").WithSummary("Sets the evaluation of a program for a year; after publication a reason is required and a new published version is made. If-Match: the row's ETag (412 when it is no longer the current one)");

        write.MapPut("/reports/{year:fiscalyear}/programs/{code}/figures/{position:int}", (int year, string code, int position, FigureUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeRowAsync(http, () => workflow.SetFigureAsync(year, code, position, body.Value, Actor(http), body.Reason, IfMatch(http), ct)))
            .WithName("setFigure").WithSummary("Sets a figure (0-based position in the 実績 cell) by hand; it is marked manual with who and when. If-Match: the row's ETag (412 when it is no longer the current one)");

        write.MapPost("/reports/{year:fiscalyear}/status", async (int year, StatusUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
        {
            var report = await workflow.MoveAsync(year, body.To, Actor(http), body.Reason, IfMatch(http), ct);
            http.Response.Headers.ETag = ETag(report.Version);
            return TypedResults.Ok(new ChangeResult(null));
        }).WithName("moveReportStatus").WithSummary("Moves a report one step forward, or back with a reason. If-Match: the report's ETag (412 when it is no longer the current one)");
    }

    static string Actor(HttpContext http) => http.User.Identity!.Name!;

    /// <summary>A version as an ETag: strong, since it names the exact state the change is based on.</summary>
    public static string ETag(int version) => $"\"{version}\"";

    /// <summary>
    /// The version an If-Match names: null when there is none or it is *, so that a client that sends none changes
    /// whatever is there, as before (the document says so). A tag that is not one of ours, or a weak one (If-Match
    /// compares strongly, RFC 9110 §13.1.1), names no version (-1) and so is never current.
    /// </summary>
    static int? IfMatch(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }
        var tag = header.Split(',')[0].Trim();
        return tag is ['"', .. var inner, '"']
            && int.TryParse(inner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : -1;
    }

    /// <summary>
    /// A row's change: the answer names the new published version, if one was made, and carries the row's version as
    /// the change left it (read in its transaction, so never a later writer's). A broken rule of the cycle is a 409, a
    /// stale If-Match a 412 (RefusalHandler).
    /// </summary>
    static async Task<Ok<ChangeResult>> ChangeRowAsync(HttpContext http, Func<Task<CellChange>> change)
    {
        var changed = await change();
        http.Response.Headers.ETag = ETag(changed.Version);
        return TypedResults.Ok(new ChangeResult(changed.PublishedVersion));
    }
}
