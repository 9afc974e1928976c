using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;

namespace Tsunagu.Api;

public sealed record ReportSummary(int FiscalYear, string FiscalYearLabel, string? Title, ReportStatus Status, int Programs);

public sealed record ProgramSummary(string Code, string Name);

public sealed record ProgramFigure(
    int FiscalYear, string Label, decimal Value, string? Unit, CountingBasis Basis, bool Approximate, IndicatorSource Source,
    string Text, string? RecordedBy, DateTimeOffset RecordedAt);

public sealed record ProgramEvaluation(int FiscalYear, ReportStatus Status, string Text);

public sealed record ProgramDetail(string Code, string Name, string Overview, IReadOnlyList<ProgramFigure> Figures, IReadOnlyList<ProgramEvaluation> Evaluations);

public sealed record FindingItem(string ProgramCode, string ProgramName, ReportColumnRole Column, string ColumnHeader, string Kind, string Message, string Quote);

public sealed record EvaluationUpdate([property: Required] string Text, string? Reason);

public sealed record FigureUpdate([property: Range(0, double.MaxValue)] decimal Value, string? Reason);

public sealed record StatusUpdate(ReportStatus To, string? Reason);

public sealed record ChangeResult(int? PublishedVersion);

/// <summary>
/// /api/v1: the same data and rules as the pages, under the same sign-in and roles. Write endpoints take JSON only,
/// which a cross-site form cannot send, and the session cookie is SameSite=Strict: together, the CSRF defence.
/// </summary>
public static class ApiEndpoints
{
    public static void MapApi(this WebApplication app)
    {
        app.MapOpenApi("/api/v1/openapi.json").RequireAuthorization();

        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("reports");
        app.MapRecordsApi();

        api.MapGet("/reports", async (TsunaguDb db, CancellationToken ct) =>
            (await db.Reports.AsNoTracking().OrderBy(r => r.FiscalYear)
                .Select(r => new { r.FiscalYear, r.Title, r.Status, Programs = r.Rows.Count })
                .ToListAsync(ct))
            .Select(r => new ReportSummary(r.FiscalYear, FiscalYears.FiscalYear.Label(r.FiscalYear), r.Title, r.Status, r.Programs)))
            .WithSummary("Reports by fiscal year");

        api.MapGet("/reports/{year:int}", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (int year, int? version, ReportReader reader, CancellationToken ct) =>
        {
            try
            {
                var table = version is { } v ? await reader.ReadPublishedAsync(year, v, ct) : await reader.ReadAsync(year, ct);
                var buffer = new MemoryStream();
                await ReportExporter.WriteAsync(table, ExportFormat.Json, TextEncoding.Utf8, buffer, ct);
                buffer.Position = 0;
                return TypedResults.Stream(buffer, "application/json; charset=utf-8");
            }
            catch (ReportNotFoundException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        }).WithSummary("A report as JSON: cells verbatim, bureaus, every figure with unit, basis and source; ?version=N for a published version")
          .Produces<ReportDocument>(contentType: "application/json");

        api.MapGet("/reports/{year:int}/findings", async Task<Results<Ok<List<FindingItem>>, ProblemHttpResult>> (int year, double? maxChange, TsunaguDb db, CancellationToken ct) =>
        {
            try
            {
                var findings = await ReportChecks.RunAsync(db, year, maxChange ?? ReportChecks.DefaultMaxChange, ct);
                return TypedResults.Ok(findings.Select(f => new FindingItem(
                    f.ProgramCode, f.ProgramName, f.Column, f.ColumnHeader, Finding.KindCode(f.Kind), f.Message, f.Quote)).ToList());
            }
            catch (ReportNotFoundException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        }).WithSummary("Data-quality findings of a report");

        api.MapGet("/programs", async (TsunaguDb db, CancellationToken ct) =>
            await db.Programs.AsNoTracking().OrderBy(p => p.Code).Select(p => new ProgramSummary(p.Code, p.Name)).ToListAsync(ct))
            .WithSummary("Programs");

        api.MapGet("/programs/{code}", async Task<Results<Ok<ProgramDetail>, ProblemHttpResult>> (string code, TsunaguDb db, CancellationToken ct) =>
        {
            var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, ct);
            if (program is null)
            {
                return TypedResults.Problem($"事業 {code} はありません。", statusCode: StatusCodes.Status404NotFound);
            }
            var figures = await db.IndicatorValues.AsNoTracking().Where(v => v.ProgramId == program.Id)
                .OrderBy(v => v.FiscalYear).ThenBy(v => v.Position)
                .Select(v => new ProgramFigure(v.FiscalYear, v.Label, v.Value, v.Unit, v.Basis, v.Approximate, v.Source, v.SourceText, v.RecordedBy, v.RecordedAt))
                .ToListAsync(ct);
            var evaluations = await db.ReportRows.AsNoTracking().Where(r => r.ProgramId == program.Id)
                .Join(db.Reports, r => r.ReportId, r => r.Id, (row, report) => new { report.FiscalYear, report.Status, row.Evaluation })
                .OrderBy(e => e.FiscalYear)
                .Select(e => new ProgramEvaluation(e.FiscalYear, e.Status, e.Evaluation))
                .ToListAsync(ct);
            return TypedResults.Ok(new ProgramDetail(program.Code, program.Name, program.Overview, figures, evaluations));
        }).WithSummary("A program with its figures and evaluations across years");

        var write = api.MapGroup("").RequireAuthorization(Policies.Edit);

        write.MapPut("/reports/{year:int}/programs/{code}/evaluation", (int year, string code, EvaluationUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(() => workflow.EditCellAsync(year, code, ReportColumnRole.Evaluation, body.Text, Actor(http), body.Reason, ct)))
            .WithSummary("Sets the evaluation of a program for a year; after publication a reason is required and a new published version is made");

        write.MapPut("/reports/{year:int}/programs/{code}/figures/{position:int}", (int year, string code, int position, FigureUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(() => workflow.SetFigureAsync(year, code, position, body.Value, Actor(http), body.Reason, ct)))
            .WithSummary("Sets a figure (0-based position in the 実績 cell) by hand; it is marked manual with who and when");

        write.MapPost("/reports/{year:int}/status", (int year, StatusUpdate body, ReportWorkflow workflow, HttpContext http, CancellationToken ct) =>
            ChangeAsync(async () =>
            {
                await workflow.MoveAsync(year, body.To, Actor(http), body.Reason, ct);
                return null;
            }))
            .WithSummary("Moves a report one step forward, or back with a reason");
    }

    static string Actor(HttpContext http) => http.User.Identity!.Name!;

    static async Task<Results<Ok<ChangeResult>, ProblemHttpResult>> ChangeAsync(Func<Task<int?>> change)
    {
        try
        {
            return TypedResults.Ok(new ChangeResult(await change()));
        }
        catch (ReportNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (ReportRuleException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "報告の規則に合わない変更です");
        }
    }
}
