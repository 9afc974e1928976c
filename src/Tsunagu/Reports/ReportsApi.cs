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
        api.MapGet("/reports/{year:int}", async Task<FileStreamHttpResult> (int year, int? version, ReportReader reader, IConfiguration configuration, CancellationToken ct) =>
        {
            var table = version is { } v ? await reader.ReadPublishedAsync(year, v, ct) : await reader.ReadAsync(year, ct);
            var buffer = new MemoryStream();
            await ReportExporter.WriteAsync(table, ExportFormat.Json, new ExportOptions(City.From(configuration)), buffer, ct);
            buffer.Position = 0;
            return TypedResults.Stream(buffer, "application/json; charset=utf-8");
        }).WithName("getReport").WithSummary("A report as JSON: cells verbatim, bureaus, every figure with its key, unit, basis, source and a rate's parts; ?version=N for a published version")
          .Produces<ReportDocument>(contentType: "application/json");

        // The same files as the page's downloads. A format there is none of, or Shift_JIS for a format without it, is 400.
        api.MapGet("/reports/{year:int}/files/{format}", async Task<FileStreamHttpResult> (
            int year, string format, int? version, string? encoding, bool? previousYear, ReportReader reader, IConfiguration configuration, CancellationToken ct) =>
        {
            var exportFormat = ExportFormats.Parse(format)
                ?? throw new RefusalException(RefusalKind.Invalid, $"形式「{format}」では書き出せません。{string.Join("・", ExportFormats.Names)} のいずれかです。", "format");
            var textEncoding = encoding?.ToLowerInvariant() switch
            {
                null or "utf-8" or "utf8" => TextEncoding.Utf8,
                "cp932" or "shift_jis" or "sjis" => TextEncoding.Cp932,
                _ => throw new RefusalException(RefusalKind.Invalid, $"文字コード「{encoding}」は使えません。utf-8 か cp932 です。", "encoding"),
            };
            var table = version is { } v ? await reader.ReadPublishedAsync(year, v, ct) : await reader.ReadAsync(year, ct);
            // Written whole before the answer starts, so a refusal (a character Shift_JIS lacks) is a 400, not a cut file.
            var path = Path.GetTempFileName();
            var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
            try
            {
                await ReportExporter.WriteAsync(table, exportFormat, new ExportOptions(City.From(configuration), textEncoding, previousYear ?? true), file, ct);
            }
            catch
            {
                await file.DisposeAsync();
                throw;
            }
            file.Position = 0;
            return TypedResults.Stream(file, exportFormat.ContentType(textEncoding), exportFormat.FileName(year, version, textEncoding));
        }).Produces<Stream>(StatusCodes.Status200OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
            "text/tab-separated-values", "application/json", "text/html")
          .WithName("getReportFile").WithSummary("A report as a file: xlsx, csv, tsv, json, html, or its figures one per row (figures-csv, figures-xlsx); ?version=N, ?encoding=cp932, ?previousYear=false");

        api.MapGet("/reports/{year:int}/findings", async Task<Ok<List<FindingItem>>> (int year, double? maxChange, TsunaguDb db, CancellationToken ct) =>
        {
            var findings = await ReportChecks.RunAsync(db, year, maxChange ?? ReportChecks.DefaultMaxChange, ct);
            return TypedResults.Ok(findings.Select(f => new FindingItem(
                f.ProgramCode, f.ProgramName, f.Column, f.ColumnHeader, Finding.KindCode(f.Kind), f.Message, f.Quote)).ToList());
        }).WithName("listReportFindings").WithSummary("Data-quality findings of a report");

        var write = api.MapGroup("").RequireAuthorization(Policies.Edit);

        write.MapPut("/reports/{year:int}/programs/{code}/evaluation", (int year, string code, EvaluationUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(() => workflow.EditCellAsync(year, code, ReportColumnRole.Evaluation, body.Text, Actor(http), body.Reason, ct)))
            .WithName("setEvaluation").WithSummary("Sets the evaluation of a program for a year; after publication a reason is required and a new published version is made");

        write.MapPut("/reports/{year:int}/programs/{code}/figures/{position:int}", (int year, string code, int position, FigureUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(() => workflow.SetFigureAsync(year, code, position, body.Value, Actor(http), body.Reason, ct)))
            .WithName("setFigure").WithSummary("Sets a figure (0-based position in the 実績 cell) by hand; it is marked manual with who and when");

        write.MapPost("/reports/{year:int}/status", (int year, StatusUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(async () =>
            {
                await workflow.MoveAsync(year, body.To, Actor(http), body.Reason, ct);
                return null;
            }))
            .WithName("moveReportStatus").WithSummary("Moves a report one step forward, or back with a reason");
    }

    static string Actor(HttpContext http) => http.User.Identity!.Name!;

    /// <summary>A change's answer: the new published version, if one was made. A broken rule of the cycle is a 409 (RefusalHandler).</summary>
    static async Task<Ok<ChangeResult>> ChangeAsync(Func<Task<int?>> change) => TypedResults.Ok(new ChangeResult(await change()));
}
