using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Demo;
using Tsunagu.Indicators;

namespace Tsunagu.Bench;

/// <summary>
/// Computing all figures of FY2024 for the synthetic city: Tsunagu from its contact facts, Tsunagu counting the
/// contacts themselves (what the facts save), and hand-written SQL that counts the same figures one query each on the
/// same database. The hand-written answers are checked against Tsunagu's, so the comparison is of equal work.
/// </summary>
static class IndicatorsBench
{
    const int FiscalYear = 2024;
    const int Runs = 5;

    public static async Task<string> GenerateAsync(IServiceProvider services, double scale)
    {
        var city = await services.GetRequiredService<DemoCity>().GenerateAsync(FiscalYear, 1, scale, "bench");
        var db = services.GetRequiredService<TsunaguDb>();
        // Settle the database as it would be the morning after (statistics, visibility map), outside the measurement.
        db.Database.SetCommandTimeout(TimeSpan.Zero);
        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "VACUUM ANALYZE" : "ANALYZE");
        return $"{city.Persons} {city.Contacts}";
    }

    /// <summary>The first computation (cold, folds the year's facts) and the median of the next runs, in ms; and the figures.</summary>
    public static async Task<string> ComputeAsync(IServiceProvider services, bool fromRecords)
    {
        var db = services.GetRequiredService<TsunaguDb>();
        var computer = services.GetRequiredService<IndicatorComputer>();
        var times = new List<double>();
        List<ComputedFigure> figures = [];
        for (var run = 0; run <= Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            figures = fromRecords ? await ComputeFromRecordsAsync(db, computer) : await computer.ComputeAsync(FiscalYear);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Line(times, figures.ToDictionary(f => $"{f.ProgramCode}.{f.Definition.Key}", f => f.Value ?? -1));
    }

    // The same computation with the contact figures counted from the contacts (GROUP BY over the year's rows).
    static async Task<List<ComputedFigure>> ComputeFromRecordsAsync(TsunaguDb db, IndicatorComputer computer)
    {
        var figures = await computer.ComputeAsync(FiscalYear);
        var contactFigures = figures.Where(f => f.Definition.Measure == MeasureKind.Contacts).ToList();
        var cells = await computer.ContactCellsAsync(contactFigures.Select(f => f.Definition.ProgramId).Distinct().ToList(), FiscalYear, fromRecords: true);
        var offices = await db.Offices.ToDictionaryAsync(o => o.Name, o => o.Id);
        return [.. figures.Select(f => f.Definition.Measure != MeasureKind.Contacts ? f : f with
        {
            Value = cells.Where(c => c.ProgramId == f.Definition.ProgramId
                && MeasureFilter.Of(f.Definition, offices).Matches(c)).Sum(c => c.Count),
        })];
    }

    /// <summary>Hand-written SQL: one query per figure, straight from the records.</summary>
    public static async Task<string> HandWrittenAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<TsunaguDb>();
        var sqlite = !db.Database.IsNpgsql();
        var programs = await db.Programs.ToDictionaryAsync(p => p.Code, p => p.Id);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        object Date(DateOnly d) => sqlite ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d;
        async Task<decimal> Count(string sql, string program, params (string Name, object Value)[] more)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 0;
            Add(command, "p", programs[program]);
            Add(command, "y", FiscalYear);
            Add(command, "from", Date(FiscalYears.Start(FiscalYear)));
            Add(command, "to", Date(FiscalYears.End(FiscalYear)));
            foreach (var (name, value) in more)
            {
                Add(command, name, value);
            }
            return Convert.ToDecimal(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        const string Contacts = """SELECT count(*) FROM contacts WHERE "ProgramId" = @p AND "Date" >= @from AND "Date" <= @to""";
        const string Sessions = """SELECT count(*) FROM sessions WHERE "ProgramId" = @p AND "Date" >= @from AND "Date" <= @to AND "Kind" = @k""";
        var times = new List<double>();
        var values = new Dictionary<string, decimal>();
        for (var run = 0; run <= Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            values["P001.pupils"] = await Count("""
                SELECT count(DISTINCT e."PersonId") FROM enrollments e JOIN persons p ON p."Id" = e."PersonId"
                WHERE e."ProgramId" = @p AND e."From" <= @to AND (e."To" IS NULL OR e."To" >= @from) AND p."Role" = 0
                """, "P001");
            values["P001.finished"] = await Count("""SELECT count(*) FROM outcomes WHERE "ProgramId" = @p AND "FiscalYear" = @y AND "Kind" <= 5""", "P001");
            values["P001.entered"] = await Count("""SELECT count(*) FROM outcomes WHERE "ProgramId" = @p AND "FiscalYear" = @y AND "Kind" <= 4""", "P001");
            values["P001.rate"] = Math.Round(values["P001.entered"] * 100 / values["P001.finished"], 0, MidpointRounding.AwayFromZero);
            values["P003.placed"] = await Count("""SELECT count(*) FROM placements WHERE "ProgramId" = @p AND "FiscalYear" = @y""", "P003");
            values["P003.contacts"] = await Count(Contacts, "P003");
            values["P003.guardians"] = await Count(Contacts + """ AND "WithGuardian" """, "P003");
            values["P003.served"] = await Count("""
                SELECT count(DISTINCT cp."PersonId") FROM contact_persons cp JOIN contacts c ON c."Id" = cp."ContactId"
                WHERE c."ProgramId" = @p AND c."Date" >= @from AND c."Date" <= @to
                """, "P003");
            values["P004.booklet"] = await Count("""SELECT count(*) FROM distributions WHERE "ProgramId" = @p AND "Date" >= @from AND "Date" <= @to""", "P004");
            values["P005.consultations"] = await Count(Contacts + """ AND "Category" = @c""", "P005", ("c", "就業相談"));
            values["P005.information"] = await Count(Contacts + """ AND "Category" = @c""", "P005", ("c", "就業情報提供"));
            values["P005.seminars"] = await Count(Sessions, "P005", ("k", 3));
            values["P006.women"] = await Count(Contacts + """ AND "Category" = @c""", "P006", ("c", "女性相談"));
            values["P006.singleParents"] = await Count(Contacts + """ AND "Category" = @c""", "P006", ("c", "ひとり親家庭相談"));
            values["P006.maternal"] = await Count(Contacts + """ AND "Category" = @c""", "P006", ("c", "母子保健"));
            values["P007.consultations"] = await Count(Contacts, "P007");
            values["P007.seminars"] = await Count(Sessions, "P007", ("k", 4));
            values["P008.consultations"] = await Count(Contacts, "P008");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Line(times, values);
    }

    static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // "first-ms median-ms key=value;key=value…"
    static string Line(List<double> times, Dictionary<string, decimal> values)
    {
        var median = times.Skip(1).Order().ElementAt(Runs / 2);
        return string.Create(CultureInfo.InvariantCulture,
            $"{times[0]:F1} {median:F1} {string.Join(';', values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value:0.####}"))}");
    }
}
