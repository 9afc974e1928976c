using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Indicators;

/// <summary>
/// A figure counted from the records with the definition it was counted by. A rate carries its numerator and
/// denominator; a figure that could not be counted (a rate over no one) has no value and says why.
/// </summary>
/// <param name="Pending">For a rate over outcomes: 中3 pupils of the program with no outcome recorded yet, not in the denominator.</param>
public sealed record ComputedFigure(
    IndicatorDefinition Definition, decimal? Value, decimal? Numerator = null, decimal? Denominator = null, string? Problem = null, int Pending = 0)
{
    public string ProgramCode => Definition.Program.Code;

    /// <summary>The figure as the planner reads it: 「303人」, 「99%（100人 / 101人）」.</summary>
    public string Explain()
    {
        var d = Definition;
        if (Value is not { } value)
        {
            return Problem ?? "";
        }
        var text = $"{FigureValues.Format(value)}{d.Unit}";
        if (d.Measure == MeasureKind.Rate)
        {
            text += $"（分子 {FigureValues.Format(Numerator ?? 0)} / 分母 {FigureValues.Format(Denominator ?? 0)}）";
        }
        if (Pending > 0)
        {
            text += $" ※中3で進路が未記録の方が {Pending} 人います（分母に入っていません）";
        }
        return text;
    }
}

/// <summary>
/// Counts every figure of a year from the records. Each kind of measure is one set-based query for all programs
/// (contacts are grouped by every attribute a definition can ask about, and each definition sums its groups), except
/// distinct persons, which are one COUNT(DISTINCT) per definition. Nothing is read per person or per record.
/// </summary>
public sealed class IndicatorComputer(TsunaguDb db, IndicatorDefinitions definitions)
{
    public async Task<List<ComputedFigure>> ComputeAsync(int fiscalYear, CancellationToken ct = default)
    {
        var inForce = await definitions.InForceAsync(fiscalYear, ct: ct);
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var filters = inForce.ToDictionary(d => d, d => MeasureFilter.Of(d, offices));
        DateOnly from = FiscalYears.Start(fiscalYear), to = FiscalYears.End(fiscalYear);
        var values = new Dictionary<IndicatorDefinition, decimal>();
        List<int> ProgramsOf(MeasureKind kind) => inForce.Where(d => d.Measure == kind).Select(d => d.ProgramId).Distinct().ToList();

        if (ProgramsOf(MeasureKind.Contacts) is { Count: > 0 } contactPrograms)
        {
            var cells = await ContactCellsAsync(contactPrograms, fiscalYear, ct: ct);
            foreach (var d in inForce.Where(d => d.Measure == MeasureKind.Contacts))
            {
                values[d] = cells.Where(c => c.ProgramId == d.ProgramId && filters[d].Matches(c)).Sum(c => c.Count);
            }
        }

        var sessionPrograms = ProgramsOf(MeasureKind.Sessions).Union(ProgramsOf(MeasureKind.Attendances)).ToList();
        if (sessionPrograms.Count > 0)
        {
            var groups = await db.Sessions.AsNoTracking()
                .Where(s => sessionPrograms.Contains(s.ProgramId) && s.Date >= from && s.Date <= to)
                .GroupBy(s => new { s.ProgramId, s.Kind, s.OfficeId })
                .Select(g => new { g.Key.ProgramId, g.Key.Kind, g.Key.OfficeId, Held = g.Count(), Came = g.Sum(s => s.UnregisteredHeadCount + s.Attendances.Count) })
                .ToListAsync(ct);
            foreach (var d in inForce.Where(d => d.Measure is MeasureKind.Sessions or MeasureKind.Attendances))
            {
                var f = filters[d];
                var matching = groups.Where(g => g.ProgramId == d.ProgramId && (f.SessionKinds is null || f.SessionKinds.Contains(g.Kind))
                                                 && (f.OfficeIds is null || (g.OfficeId is { } o && f.OfficeIds.Contains(o))));
                values[d] = d.Measure == MeasureKind.Sessions ? matching.Sum(g => g.Held) : matching.Sum(g => g.Came);
            }
        }

        if (ProgramsOf(MeasureKind.Placements) is { Count: > 0 } placementPrograms)
        {
            var placed = await db.Placements.AsNoTracking().Where(p => placementPrograms.Contains(p.ProgramId) && p.FiscalYear == fiscalYear)
                .GroupBy(p => p.ProgramId).Select(g => new { ProgramId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.ProgramId, g => g.Count, ct);
            foreach (var d in inForce.Where(d => d.Measure == MeasureKind.Placements))
            {
                values[d] = placed.GetValueOrDefault(d.ProgramId);
            }
        }

        if (ProgramsOf(MeasureKind.Distributions) is { Count: > 0 } distributionPrograms)
        {
            var made = await db.Distributions.AsNoTracking().Where(x => distributionPrograms.Contains(x.ProgramId) && x.Date >= from && x.Date <= to)
                .GroupBy(x => x.ProgramId).Select(g => new { ProgramId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.ProgramId, g => g.Count, ct);
            foreach (var d in inForce.Where(d => d.Measure == MeasureKind.Distributions))
            {
                values[d] = made.GetValueOrDefault(d.ProgramId);
            }
        }

        foreach (var d in inForce.Where(d => d.Measure == MeasureKind.NoticedHouseholds))
        {
            values[d] = await Notices.Recipients.Reached(db, d.ProgramId, from, to).Select(x => x.HouseholdId).Distinct().CountAsync(ct);
        }

        if (ProgramsOf(MeasureKind.OutcomePersons) is { Count: > 0 } outcomePrograms)
        {
            // One outcome per person, program and year (a unique index), so counting outcomes counts persons.
            var outcomes = await db.Outcomes.AsNoTracking().Where(o => outcomePrograms.Contains(o.ProgramId) && o.FiscalYear == fiscalYear)
                .GroupBy(o => new { o.ProgramId, o.Kind }).Select(g => new { g.Key.ProgramId, g.Key.Kind, Count = g.Count() }).ToListAsync(ct);
            foreach (var d in inForce.Where(d => d.Measure == MeasureKind.OutcomePersons))
            {
                var f = filters[d];
                values[d] = outcomes.Where(o => o.ProgramId == d.ProgramId && (f.Outcomes is null || f.Outcomes.Contains(o.Kind))).Sum(o => o.Count);
            }
        }

        foreach (var d in inForce.Where(d => d.Measure is MeasureKind.EnrolledPersons or MeasureKind.ServedPersons or MeasureKind.AttendingPersons))
        {
            // Persons served, asked only about the persons, read the per-person-per-year facts; with conditions on the
            // contacts (a category, a channel…) they are counted from the contacts.
            values[d] = d.Measure == MeasureKind.ServedPersons && !filters[d].HasContactConditions
                ? await ServedPersonsAsync(d.ProgramId, fiscalYear, filters[d], ct: ct)
                : await DistinctPersons(d, filters[d], from, to).CountAsync(ct);
        }

        var figures = new List<ComputedFigure>();
        foreach (var d in inForce)
        {
            if (d.Measure != MeasureKind.Rate)
            {
                figures.Add(new ComputedFigure(d, values[d]));
                continue;
            }
            var numerator = inForce.SingleOrDefault(x => x.ProgramId == d.ProgramId && x.Key == d.NumeratorKey);
            var denominator = inForce.SingleOrDefault(x => x.ProgramId == d.ProgramId && x.Key == d.DenominatorKey);
            if (numerator is null || denominator is null)
            {
                // A part retired after the rate was defined: the rate cannot be counted until it is defined again.
                figures.Add(new ComputedFigure(d, null, Problem: $"分子「{d.NumeratorKey}」または分母「{d.DenominatorKey}」の指標がこの年度にありません。"));
                continue;
            }
            decimal n = values[numerator], m = values[denominator];
            var pending = denominator.Measure == MeasureKind.OutcomePersons ? await ThirdYearsWithoutOutcomeAsync(d.ProgramId, fiscalYear, ct) : 0;
            figures.Add(m == 0
                ? new ComputedFigure(d, null, n, m, $"分母「{denominator.Label}」が0のため率を出せません。", pending)
                : new ComputedFigure(d, Math.Round(n * 100 / m, d.Decimals, MidpointRounding.AwayFromZero), n, m, null, pending));
        }
        return figures;
    }

    /// <summary>
    /// Children in 中3 of the year, still enrolled in the program at its end, with no outcome recorded for the year: a
    /// 進学率's denominator does not count them yet, so the planner is told how many are missing. A pupil who left the
    /// program during the year is not its pupil when 中学校 ends.
    /// </summary>
    public async Task<int> ThirdYearsWithoutOutcomeAsync(int programId, int fiscalYear, CancellationToken ct = default)
    {
        // 中3 in year Y: born from 2 April of Y−15 to 1 April of Y−14 (see SchoolGrade), compared as yyyymmdd numbers:
        // as a date range, SQLite's planner starts from every person born in that year (the birth-date index) instead of
        // the program's few enrolments, and the query took 230 ms at ten million contacts instead of a few.
        int bornFrom = (fiscalYear - 15) * 10000 + 402, bornTo = (fiscalYear - 14) * 10000 + 401;
        DateOnly to = FiscalYears.End(fiscalYear);
        // The person is looked up per enrolment (not joined) for the same reason on PostgreSQL: see MeasureFilter.Apply.
        return await db.Enrollments.AsNoTracking()
            .Where(e => e.ProgramId == programId && e.From <= to && (e.To == null || e.To >= to)
                        && db.Persons.Where(p => p.Id == e.PersonId && p.Role == PersonRole.Child
                                                 && p.BirthDate.Year * 10000 + p.BirthDate.Month * 100 + p.BirthDate.Day >= bornFrom
                                                 && p.BirthDate.Year * 10000 + p.BirthDate.Month * 100 + p.BirthDate.Day <= bornTo).Select(p => 1).FirstOrDefault() == 1
                        && !db.Outcomes.Any(o => o.PersonId == e.PersonId && o.ProgramId == programId && o.FiscalYear == fiscalYear))
            .Select(e => e.PersonId).Distinct().CountAsync(ct);
    }

    /// <summary>
    /// Persons on at least one contact of the program in the year (and of the filter's roles): from the facts the
    /// database keeps, or — to check them — from the contacts.
    /// </summary>
    public async Task<int> ServedPersonsAsync(int programId, int fiscalYear, MeasureFilter filter, bool fromRecords = false, CancellationToken ct = default)
    {
        if (fromRecords)
        {
            DateOnly from = FiscalYears.Start(fiscalYear), to = FiscalYears.End(fiscalYear);
            return await db.ContactPersons.AsNoTracking()
                .Where(p => db.Contacts.Any(c => c.Id == p.ContactId && c.ProgramId == programId && c.Date >= from && c.Date <= to))
                .Where(p => filter.Roles == null || filter.Roles.Contains(p.Person.Role))
                .Select(p => p.PersonId).Distinct().CountAsync(ct);
        }
        var facts = db.PersonYearFacts.AsNoTracking().Where(f => f.ProgramId == programId && f.FiscalYear == fiscalYear && f.Contacts > 0);
        if (filter.Roles is { } roles)
        {
            // Looked up per person, as in MeasureFilter.Apply.
            facts = facts.Where(f => roles.Contains(db.Persons.Where(p => p.Id == f.PersonId).Select(p => p.Role).FirstOrDefault()));
        }
        return await facts.CountAsync(ct);
    }

    /// <summary>
    /// A figure counted over part of a fiscal year (a month, the year so far) from the records, by the same definition and
    /// filter as the year's figure — the months of a finished year add up to it for the counts (延べ). Null for what is
    /// counted per year only (配置人数, 進路・結果) and for a rate, whose parts are counted instead.
    /// </summary>
    public async Task<decimal?> CountAsync(IndicatorDefinition d, MeasureFilter filter, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var sessions = filter.Apply(db.Sessions.AsNoTracking().Where(s => s.ProgramId == d.ProgramId && s.Date >= from && s.Date <= to));
        return d.Measure switch
        {
            MeasureKind.Contacts => await filter.Apply(db.Contacts.AsNoTracking().Where(c => c.ProgramId == d.ProgramId && c.Date >= from && c.Date <= to)).CountAsync(ct),
            MeasureKind.Sessions => await sessions.CountAsync(ct),
            MeasureKind.Attendances => await sessions.SumAsync(s => s.UnregisteredHeadCount + s.Attendances.Count, ct),
            MeasureKind.Distributions => await db.Distributions.CountAsync(x => x.ProgramId == d.ProgramId && x.Date >= from && x.Date <= to, ct),
            MeasureKind.NoticedHouseholds => await Notices.Recipients.Reached(db, d.ProgramId, from, to).Select(x => x.HouseholdId).Distinct().CountAsync(ct),
            MeasureKind.EnrolledPersons or MeasureKind.ServedPersons or MeasureKind.AttendingPersons => await DistinctPersons(d, filter, from, to).CountAsync(ct),
            _ => null,
        };
    }

    /// <summary>The persons a distinct-person figure counts, as a query (the drill-down lists them within scope).</summary>
    public IQueryable<int> DistinctPersons(IndicatorDefinition d, MeasureFilter filter, DateOnly from, DateOnly to)
    {
        switch (d.Measure)
        {
            case MeasureKind.EnrolledPersons:
                return filter.Enrolled(db.Enrollments.AsNoTracking(), db.Persons, d.ProgramId, from, to)
                    .Select(e => e.PersonId).Distinct();
            case MeasureKind.ServedPersons:
                var contacts = filter.Apply(db.Contacts.Where(c => c.ProgramId == d.ProgramId && c.Date >= from && c.Date <= to));
                return db.ContactPersons.AsNoTracking()
                    .Where(p => contacts.Any(c => c.Id == p.ContactId) && (filter.Roles == null || filter.Roles.Contains(p.Person.Role)))
                    .Select(p => p.PersonId).Distinct();
            case MeasureKind.AttendingPersons:
                var sessions = filter.Apply(db.Sessions.Where(s => s.ProgramId == d.ProgramId && s.Date >= from && s.Date <= to));
                return db.Attendances.AsNoTracking()
                    .Where(a => sessions.Any(s => s.Id == a.SessionId) && (filter.Roles == null || filter.Roles.Contains(a.Person.Role)))
                    .Select(a => a.PersonId).Distinct();
            default:
                throw new ArgumentOutOfRangeException(nameof(d), d.Measure, "not a distinct-person measure");
        }
    }

    /// <summary>
    /// The year's contacts of the programs, grouped by every attribute a contact filter can ask about: from the facts
    /// the database keeps (folding a year's appended changes into them first, or adding them where the session cannot
    /// write), or — to check them, and in the
    /// benchmark — from the contacts themselves.
    /// </summary>
    public async Task<List<ContactCell>> ContactCellsAsync(IReadOnlyCollection<int> programIds, int fiscalYear, bool fromRecords = false, CancellationToken ct = default)
    {
        if (fromRecords)
        {
            DateOnly from = FiscalYears.Start(fiscalYear), to = FiscalYears.End(fiscalYear);
            var rows = await db.Contacts.AsNoTracking()
                .Where(c => programIds.Contains(c.ProgramId) && c.Date >= from && c.Date <= to)
                .Select(c => new
                {
                    c.ProgramId,
                    c.Kind,
                    Category = c.Category ?? "",
                    c.Channel,
                    OfficeId = c.OfficeId ?? 0,
                    c.Date.DayOfWeek,
                    Evening = c.Time != null && c.Time >= OfficeHours.Closes,
                    Early = c.Time != null && c.Time < OfficeHours.Opens,
                    c.WithGuardian,
                })
                .GroupBy(c => c)
                .Select(g => new { g.Key, Count = g.Count() })
                .ToListAsync(ct);
            return [.. rows.Select(r => new ContactCell(r.Key.ProgramId, r.Key.Kind, r.Key.Category, r.Key.Channel, r.Key.OfficeId, r.Key.DayOfWeek,
                r.Key.Evening, r.Key.Early, r.Key.WithGuardian, r.Count))];
        }
        IQueryable<ContactFact> facts = db.ContactFacts;
        if (db.Database.IsNpgsql())
        {
            // A standby (ConnectionStrings:TsunaguReadOnly) or a read-only verb cannot fold; it adds the changes instead.
            var canFold = await db.Database.SqlQueryRaw<bool>(
                "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS \"Value\"").SingleAsync(ct);
            var year = new Npgsql.NpgsqlParameter("fiscal_year", fiscalYear);
            if (canFold)
            {
                await db.Database.ExecuteSqlRawAsync(SqlFiles.Read("Postgres", "contact_facts_fold.v1"), [year], ct);
            }
            else
            {
                facts = db.ContactFacts.FromSqlRaw(SqlFiles.Read("Postgres", "contact_facts_unfolded.v1"), year);
            }
        }
        var cells = await facts.AsNoTracking()
            .Where(f => f.FiscalYear == fiscalYear && programIds.Contains(f.ProgramId) && f.Contacts != 0)
            .ToListAsync(ct);
        return [.. cells.Select(f => new ContactCell(f.ProgramId, f.Kind, f.Category, f.Channel, f.OfficeId, f.DayOfWeek, f.Evening, f.Early, f.WithGuardian, f.Contacts))];
    }
}
