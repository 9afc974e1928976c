using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;

namespace Tsunagu.Programs;

public sealed record ProgramSummary(string Code, string Name);

public sealed record ProgramFigure(
    int FiscalYear, string Label, decimal Value, string? Unit, CountingBasis Basis, bool Approximate, IndicatorSource Source,
    string Text, string? RecordedBy, DateTimeOffset RecordedAt);

public sealed record ProgramEvaluation(int FiscalYear, ReportStatus Status, string Text);

public sealed record ProgramDetail(string Code, string Name, string Overview, IReadOnlyList<ProgramFigure> Figures, IReadOnlyList<ProgramEvaluation> Evaluations);

/// <summary>The programs under /api/v1, for everyone who reads reports.</summary>
public static class ProgramsApi
{
    public static void MapProgramsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("reports");

        api.MapGet("/programs", async (TsunaguDb db, CancellationToken ct) =>
            await db.Programs.AsNoTracking().OrderBy(p => p.Code).Select(p => new ProgramSummary(p.Code, p.Name)).ToListAsync(ct))
            .WithName("listPrograms").WithSummary("Programs");

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
        }).WithName("getProgram").WithSummary("A program with its figures and evaluations across years");
    }
}
