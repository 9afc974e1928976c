using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Placements;
using Tsunagu.Places;
using Tsunagu.Programs;
using Tsunagu.Records.Import;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Demo;

public sealed record DemoSummary(int Persons, int Contacts, int Sessions, int Attendances, int Placements, int Outcomes, int Distributions, int Subsidies, int Referrals);

/// <summary>
/// An invented city with a year of the eight programs' work: households, pupils and guardians, young people leaving
/// care, single parents; their contacts, sessions and attendance, counsellors placed at schools, a booklet handed
/// out, high-school entry outcomes, exam subsidies and referrals. Nobody in it is real. Registrations and contacts go
/// in through the records import, the way a program's own spreadsheet would; the rest is written directly.
/// At scale 1 its figures for FY2024 are exactly the figures of the city's published FY2024 table; other years drift
/// a little from them (the same for the same seed), and the scale multiplies them all. The same seed on the same
/// database gives the same city.
/// </summary>
public sealed class DemoCity(TsunaguDb db, DefinitionFile definitionFile, OfficeList offices, RecordImporter importer, TimeProvider time, WorkProgress? progress = null)
{
    /// <summary>The year of the published table the city is made to reproduce.</summary>
    public const int PublishedYear = 2024;

    /// <summary>The figures of the published FY2024 table, by program and indicator key.</summary>
    static readonly Dictionary<string, int> Published = new()
    {
        ["P001.pupils"] = 303,
        ["P003.placed"] = 88,
        ["P003.contacts"] = 73_119,
        ["P003.guardians"] = 7_762,
        ["P004.booklet"] = 1,
        ["P005.consultations"] = 677,
        ["P005.information"] = 13,
        ["P005.seminars"] = 23,
        ["P006.women"] = 1_199,
        ["P006.singleParents"] = 1_787,
        ["P006.maternal"] = 6_294,
        ["P007.consultations"] = 265,
        ["P007.seminars"] = 4,
        ["P008.consultations"] = 6_712,
    };

    const double HighSchoolEntryRate = 0.99;

    /// <summary>Why a past year's demo support ended: one of every program's reasons (EndReasons).</summary>
    const string DemoEndReason = "支援目標の達成";

    /// <summary>
    /// The eight programs of the published table. How the city counts each figure is the definitions file a real city
    /// loads too (Indicators/Data/definitions.csv); its offices likewise (Places/Data/offices.csv).
    /// </summary>
    static readonly (string Name, GoverningBody Body)[] Programs =
    [
        ("学習・生活サポート事業", GoverningBody.Mayor),
        ("中途退学未然防止等事業", GoverningBody.Mayor),
        ("スクールカウンセラー配置事業", GoverningBody.EducationBoard),
        ("社会的養護自立支援拠点事業", GoverningBody.Mayor),
        ("ひとり親家庭等相談支援センター事業(就業相談・就業情報提供事業・就業支援セミナー)", GoverningBody.Mayor),
        ("こども家庭総合相談事業", GoverningBody.Mayor),
        ("ひとり親家庭等相談支援センター事業(専門相談・セミナー事業)", GoverningBody.Mayor),
        ("ひとり親家庭等生活向上支援事業", GoverningBody.Mayor),
    ];

    static readonly string[] WardOffices = ["青葉区役所", "宮城野区役所", "若林区役所", "太白区役所", "泉区役所", "宮城総合支所", "秋保総合支所"];
    static readonly string[] SchoolPrefixes = ["青葉", "上杉", "八幡", "宮城野", "岩切", "若林", "六郷", "長町", "西多賀", "泉", "将監", "七北田", "中山", "荒巻", "鶴谷"];

    Random random = new(0);
    readonly HashSet<(string, DateOnly)> taken = [];

    sealed record DemoPerson(string Name, string Kana, DateOnly Birth, PersonRole Role, string? School, string Ward, string Household, ReferralSource Source);

    sealed record DemoContact(DateOnly Date, TimeOnly Time, ContactKind Kind, string? Category, ContactChannel Channel, string? Office);

    /// <summary>
    /// The demo the README's run command shows, at scale 1 and computed into their tables: FY2024, whose figures are
    /// exactly the published table's; last fiscal year; and the year under way up to today, its enrolments open, so
    /// that a newcomer can record at once. Only on a database without records.
    /// </summary>
    public static async Task<List<string>> ShowAsync(IServiceProvider services, string actor, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<TsunaguDb>();
        if (await db.Contacts.AnyAsync(ct) || await db.Persons.AnyAsync(ct))
        {
            return ["記録のあるデータベースなので、架空の街は作りませんでした。"];
        }
        var lines = new List<string>();
        var current = CityClock.CurrentFiscalYear(services.GetRequiredService<TimeProvider>());
        foreach (var year in new[] { PublishedYear, current - 1, current }.Where(y => y <= current).Distinct().Order())
        {
            var city = await services.GetRequiredService<DemoCity>().GenerateAsync(year, 1, 1, actor, ct);
            var computed = await services.GetRequiredService<FigureComputation>().RunAsync(year, actor, ct);
            lines.Add($"{FiscalYears.Label(year)}の架空の街: {city.Persons:#,0}人、支援記録 {city.Contacts:#,0}件を作り、{computed.Figures.Count} 件の数値を集計しました。");
        }
        return lines;
    }

    public async Task<DemoSummary> GenerateAsync(int fiscalYear, int seed, double scale, string actor, CancellationToken ct = default)
    {
        if (scale is <= 0 or > 1000)
        {
            throw new RefusalException(RefusalKind.Invalid, "--scale は 0 より大きく 1000 以下で指定してください。");
        }
        random = new Random(HashCode(seed, fiscalYear));
        DateOnly start = FiscalYears.Start(fiscalYear), end = FiscalYears.End(fiscalYear), today = CityClock.Today(time);
        if (start > today)
        {
            throw new RefusalException(RefusalKind.Invalid, $"{FiscalYears.Label(fiscalYear)}はまだ始まっていません。架空の街は今年度までの年度に作れます。");
        }
        // The year under way is made up to today, in proportion: nothing is dated in the future (the records' rules
        // refuse it), and its enrolments stay open, so that a newcomer can record at once.
        lastOffset = (end < today ? end : today).DayNumber - start.DayNumber;
        yearIsOver = end < today;
        var soFar = yearIsOver ? 1 : (lastOffset + 1) / (double)(end.DayNumber - start.DayNumber + 1);
        var programs = await EnsureProgramsAsync(fiscalYear, actor, ct);
        var ids = programs.Values.Select(p => p.Id).ToList();
        if (await db.Contacts.AnyAsync(c => ids.Contains(c.ProgramId) && c.Date >= start && c.Date <= end, ct)
            || await db.Enrollments.AnyAsync(e => ids.Contains(e.ProgramId) && e.From >= start && e.From <= end, ct))
        {
            throw new RefusalException(RefusalKind.Conflict, $"{FiscalYears.Label(fiscalYear)}にはすでに登録・記録があります。架空の街は記録のない年度にだけ作れます。");
        }
        await EnsureOfficesAsync(actor, ct);
        var schools = await EnsureSchoolsAsync(ct);
        await foreach (var person in db.Persons.AsNoTracking().Select(p => new { p.Name, p.BirthDate }).AsAsyncEnumerable().WithCancellation(ct))
        {
            taken.Add((person.Name, person.BirthDate));
        }

        int Target(string key)
        {
            // Other years drift from FY2024 by up to ±12 %, the same for the same seed.
            var drift = fiscalYear == PublishedYear ? 1 : 1 + (new Random(HashCode(seed, fiscalYear, Checksum(key))).NextDouble() - 0.5) * 0.24;
            return (int)Math.Round(Published[key] * scale * drift * soFar, MidpointRounding.AwayFromZero);
        }
        int Scaled(int count) => (int)Math.Round(count * scale * soFar, MidpointRounding.AwayFromZero);

        var summary = new Summary();
        var folder = Directory.CreateTempSubdirectory("tsunagu-demo-");
        try
        {
            // 学習・生活サポート事業: pupils of 中1–中3 and their guardians; study contacts and guardian consultations.
            var pupils = Target("P001.pupils");
            var thirdYears = (int)Math.Round(pupils / 3.0, MidpointRounding.AwayFromZero);
            var learners = new List<(DemoPerson Person, List<DemoContact> Contacts)>();
            for (var i = 0; i < pupils; i++)
            {
                var grade = i < thirdYears ? 9 : 7 + random.Next(2);
                var household = NewHousehold("L");
                var pupil = NewPerson(BirthForGrade(fiscalYear, grade), PersonRole.Child, Pick(schools[SchoolType.JuniorHigh]), household,
                    Pick([ReferralSource.School, ReferralSource.WardWelfare, ReferralSource.AfterSchoolService]));
                learners.Add((pupil, Contacts(1 + random.Next(8), fiscalYear, () => (ContactKind.StudySession, null, ContactChannel.Visit, null))));
                if (random.Next(3) > 0)
                {
                    learners.Add((NewPerson(Adult(), PersonRole.Guardian, null, household, pupil.Source),
                        Contacts(random.Next(3), fiscalYear, () => (ContactKind.Consultation, null, Pick([ContactChannel.Phone, ContactChannel.Visit]), null))));
                }
            }
            await ImportAsync(folder, programs["P001"].Code, learners, summary, actor, ct);

            // 中途退学未然防止等事業: high-school students at risk of dropping out.
            var students = Enumerable.Range(0, Scaled(60)).Select(_ =>
            {
                var household = NewHousehold("D");
                return (NewPerson(BirthForGrade(fiscalYear, 10 + random.Next(3)), PersonRole.Child, Pick(schools[SchoolType.HighSchool]), household, ReferralSource.School),
                    Contacts(1 + random.Next(6), fiscalYear, () => (Pick([ContactKind.Consultation, ContactKind.StudySession]), null, Pick([ContactChannel.Visit, ContactChannel.Online]), null)));
            }).ToList();
            await ImportAsync(folder, programs["P002"].Code, students, summary, actor, ct);

            // スクールカウンセラー配置事業: counselling of pupils at their schools; guardians counted as 保護者支援.
            var scCategories = ContactCategories.For(programs["P003"]);
            var counselled = new List<(DemoPerson, List<DemoContact>)>();
            foreach (var count in Split(Target("P003.contacts") - Target("P003.guardians"), 5))
            {
                var grade = 1 + random.Next(9);
                var pupil = NewPerson(BirthForGrade(fiscalYear, grade), PersonRole.Child, grade <= 6 ? Pick(schools[SchoolType.Elementary]) : Pick(schools[SchoolType.JuniorHigh]),
                    NewHousehold("S"), ReferralSource.School);
                counselled.Add((pupil, Contacts(count, fiscalYear, () => (ContactKind.Counselling, Pick(scCategories), ContactChannel.School, null))));
            }
            foreach (var count in Split(Target("P003.guardians"), 2))
            {
                counselled.Add((NewPerson(Adult(), PersonRole.Guardian, null, NewHousehold("S"), ReferralSource.School),
                    Contacts(count, fiscalYear, () => (ContactKind.Consultation, Pick(["家庭の問題", "不登校", "発達障害等", "学業・進路"]), Pick([ContactChannel.School, ContactChannel.Phone]), null))));
            }
            await ImportAsync(folder, programs["P003"].Code, counselled, summary, actor, ct);

            // 社会的養護自立支援拠点事業: young people leaving care, consultations on work and life.
            var leavers = Enumerable.Range(0, Scaled(40)).Select(_ =>
                (NewPerson(BirthForGrade(fiscalYear, 13 + random.Next(6)), PersonRole.YoungAdult, null, NewHousehold("C"), ReferralSource.ChildGuidance),
                 Contacts(1 + random.Next(10), fiscalYear, () => (ContactKind.Consultation, null, Pick([ContactChannel.Visit, ContactChannel.Phone, ContactChannel.Email]), "社会的養護自立支援拠点")))).ToList();
            await ImportAsync(folder, programs["P004"].Code, leavers, summary, actor, ct);

            // ひとり親家庭等相談支援センター事業（就業）: employment consultations and job information.
            var employment = Group(Target("P005.consultations"), 3, () => (ContactKind.Consultation, "就業相談", Pick([ContactChannel.Visit, ContactChannel.Phone]), Pick(["母子家庭相談支援センター", "父子家庭相談支援センター"])))
                .Concat(Group(Target("P005.information"), 1, () => (ContactKind.Information, "就業情報提供", ContactChannel.Email, "母子家庭相談支援センター"))).ToList();
            await ImportAsync(folder, programs["P005"].Code, employment, summary, actor, ct);

            // こども家庭総合相談事業: consultations at the ward offices by kind.
            var ward = Group(Target("P006.women"), 3, () => (ContactKind.Consultation, "女性相談", Pick([ContactChannel.Visit, ContactChannel.Phone]), Pick(WardOffices)))
                .Concat(Group(Target("P006.singleParents"), 3, () => (ContactKind.Consultation, "ひとり親家庭相談", Pick([ContactChannel.Visit, ContactChannel.Phone]), Pick(WardOffices))))
                .Concat(Group(Target("P006.maternal"), 3, () => (Pick([ContactKind.Consultation, ContactKind.HomeVisit]), "母子保健", Pick([ContactChannel.Visit, ContactChannel.Home, ContactChannel.Phone]), Pick(WardOffices))))
                .ToList();
            await ImportAsync(folder, programs["P006"].Code, ward, summary, actor, ct);

            // ひとり親家庭等相談支援センター事業（専門相談）: the lawyer, household finances, child support.
            var specialist = Group(Target("P007.consultations"), 2, () => (ContactKind.Consultation, Pick(["弁護士相談", "家計相談", "養育費相談"]), ContactChannel.Visit, "母子家庭相談支援センター")).ToList();
            await ImportAsync(folder, programs["P007"].Code, specialist, summary, actor, ct);

            // ひとり親家庭等生活向上支援事業: home visits, accompaniment, e-mail; weekday evenings and Saturdays too.
            var living = Group(Target("P008.consultations"), 7, () => Pick([
                (ContactKind.HomeVisit, (string?)null, ContactChannel.Home, (string?)null), (ContactKind.Accompaniment, null, ContactChannel.Visit, null),
                (ContactKind.Consultation, null, ContactChannel.Email, null), (ContactKind.Consultation, null, ContactChannel.Phone, null)]), evenings: true).ToList();
            await ImportAsync(folder, programs["P008"].Code, living, summary, actor, ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        progress?.Report("開催・紹介・補助・進路などを作っています");
        await WriteActivitiesAsync(fiscalYear, programs, Target, Scaled, summary, actor, ct);
        if (yearIsOver)
        {
            // A past year is over: its registrations end with it, so the next year's city starts afresh.
            var closedAt = new DateTimeOffset(end.ToDateTime(new TimeOnly(17, 0)), TimeSpan.FromHours(9)).ToUniversalTime();
            await db.Enrollments.Where(e => ids.Contains(e.ProgramId) && e.From >= start && e.From <= end && e.To == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.To, end).SetProperty(e => e.Status, EnrollmentStatus.Ended)
                    .SetProperty(e => e.EndReason, DemoEndReason)
                    // Closed and approved at the year's end: a demo manager's やること is not a year of closures to approve.
                    .SetProperty(e => e.ClosureApprovedAt, closedAt).SetProperty(e => e.ClosureApprovedBy, "デモ"), ct);
        }
        return summary.ToRecord();
    }

    /// <summary>Sessions with attendance, placements, the booklet, outcomes, subsidies and referrals.</summary>
    async Task WriteActivitiesAsync(
        int fiscalYear, Dictionary<string, SupportProgram> programs, Func<string, int> target, Func<int, int> scaled,
        Summary summary, string actor, CancellationToken ct)
    {
        DateOnly start = FiscalYears.Start(fiscalYear), end = FiscalYears.End(fiscalYear);
        async Task<List<(int Id, DateOnly Birth, PersonRole Role)>> EnrolledAsync(string code) =>
            (await db.Enrollments.AsNoTracking().Where(e => e.ProgramId == programs[code].Id && e.From >= start && e.From <= end)
                .OrderBy(e => e.PersonId).Select(e => new { e.PersonId, e.Person.BirthDate, e.Person.Role }).ToListAsync(ct))
            .Select(e => (e.PersonId, e.BirthDate, e.Role)).ToList();
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);

        void Hold(string code, SessionKind kind, int count, string title, List<int> people, int perSession, string? office)
        {
            for (var i = 0; i < count; i++)
            {
                var session = new SupportSession
                {
                    ProgramId = programs[code].Id,
                    Kind = kind,
                    Date = start.AddDays((int)((i + random.NextDouble()) * Math.Min(360, lastOffset) / count)),
                    Start = new TimeOnly(18, 0),
                    Title = $"{title} 第{i + 1}回",
                    OfficeId = office is null ? null : offices[office],
                    UnregisteredHeadCount = random.Next(3),
                };
                session.Attendances.AddRange(people.Count == 0 ? [] : Enumerable.Range(0, Math.Min(perSession, people.Count))
                    .Select(_ => people[random.Next(people.Count)]).Distinct().Select(id => new Attendance { PersonId = id }));
                db.Sessions.Add(session);
                summary.Sessions++;
                summary.Attendances += session.Attendances.Count;
            }
        }

        var learners = await EnrolledAsync("P001");
        var pupils = learners.Where(p => p.Role == PersonRole.Child).ToList();
        Hold("P001", SessionKind.StudySession, scaled(200), "学習会", [.. pupils.Select(p => p.Id)], 8, null);
        Hold("P001", SessionKind.Ibasho, scaled(40), "居場所", [.. pupils.Select(p => p.Id)], 6, null);
        Hold("P002", SessionKind.OnlineClass, scaled(30), "オンライン教室", [.. (await EnrolledAsync("P002")).Select(p => p.Id)], 5, null);
        Hold("P005", SessionKind.EmploymentSeminar, target("P005.seminars"), "就業支援セミナー", [.. (await EnrolledAsync("P005")).Select(p => p.Id)], 6, "母子家庭相談支援センター");
        Hold("P007", SessionKind.SpecialistSeminar, target("P007.seminars"), "ひとり親家庭セミナー", [.. (await EnrolledAsync("P007")).Select(p => p.Id)], 8, "母子家庭相談支援センター");

        // Counsellors at the schools (one school each, in turn) and the education support centre.
        // Junior high schools first, then high, secondary and special-needs schools, then elementary schools in turn.
        SchoolType[] order = [SchoolType.JuniorHigh, SchoolType.HighSchool, SchoolType.Secondary, SchoolType.SpecialNeeds, SchoolType.Elementary];
        var schoolIds = (await db.Schools.AsNoTracking().Select(s => new { s.Id, s.Type, s.Code }).ToListAsync(ct))
            .OrderBy(s => Array.IndexOf(order, s.Type) is var i and >= 0 ? i : order.Length).ThenBy(s => s.Code, StringComparer.Ordinal).Select(s => s.Id).ToList();
        for (var i = 0; i < target("P003.placed"); i++)
        {
            var atCentre = i % 20 == 19;
            db.Placements.Add(new Placement
            {
                ProgramId = programs["P003"].Id,
                FiscalYear = fiscalYear,
                StaffName = $"カウンセラー{i + 1:D3}",
                SchoolId = atCentre ? null : schoolIds[i % schoolIds.Count],
                OfficeId = atCentre ? offices["教育支援センター"] : null,
            });
            summary.Placements++;
        }
        for (var i = 0; i < target("P004.booklet"); i++)
        {
            db.Distributions.Add(new Distribution
            {
                ProgramId = programs["P004"].Id,
                Date = Day(start, 180 + i % 150),
                Item = "職業紹介の冊子「はたらくってなんだろう」",
                Facility = $"児童養護施設{(char)('A' + i % 6)}",
                Copies = 30,
            });
            summary.Distributions++;
        }

        // Every 中3 pupil's next step, recorded at the end of the year: 99 % enter a high school or the like.
        var thirdYears = pupils.Where(p => SchoolGrade.Of(p.Birth, fiscalYear) == 9).ToList();
        var entered = (int)Math.Round(thirdYears.Count * HighSchoolEntryRate, MidpointRounding.AwayFromZero);
        for (var i = 0; i < thirdYears.Count; i++)
        {
            var (kind, course) = i >= entered ? (OutcomeKind.FinishedJuniorHigh, (string?)null)
                : random.Next(100) switch
                {
                    < 80 => (OutcomeKind.EnteredHighSchool, "全日制"),
                    < 86 => (OutcomeKind.EnteredHighSchool, "定時制"),
                    < 94 => (OutcomeKind.EnteredHighSchool, "通信制"),
                    < 97 => (OutcomeKind.EnteredSpecialNeedsUpper, null),
                    _ => (OutcomeKind.EnteredVocationalUpper, null),
                };
            // Next steps are known when the year ends: the year under way has none yet.
            if (yearIsOver)
            {
                db.Outcomes.Add(new Outcome { PersonId = thirdYears[i].Id, ProgramId = programs["P001"].Id, FiscalYear = fiscalYear, Kind = kind, Course = course, RecordedOn = end.AddDays(-10) });
                summary.Outcomes++;
            }
            // About a third apply for the 中3 mock-exam subsidy.
            if (random.Next(3) == 0)
            {
                db.Subsidies.Add(new SubsidyApplication
                {
                    PersonId = thirdYears[i].Id,
                    ProgramId = programs["P001"].Id,
                    Kind = SubsidyKind.MockExamJh3,
                    AppliedOn = Day(start, 150 + random.Next(120)),
                    AmountRequested = 5000,
                    // Decided and paid when those days have come; the year under way has some waiting.
                    Decision = lastOffset >= 280 ? SubsidyDecision.Approved : SubsidyDecision.Pending,
                    AmountApproved = lastOffset >= 280 ? 5000 : null,
                    DecidedOn = lastOffset >= 280 ? start.AddDays(280) : null,
                    PaidOn = lastOffset >= 300 ? start.AddDays(300) : null,
                });
                summary.Subsidies++;
            }
        }
        // Some guardians of the pupils are connected to the single-parent living support.
        foreach (var guardian in learners.Where(p => p.Role == PersonRole.Guardian).Where((_, i) => i % 25 == 0))
        {
            var sent = new DateTimeOffset(Day(start, 30 + random.Next(300)).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9)).ToUniversalTime();
            sent = sent < time.GetUtcNow() ? sent : time.GetUtcNow();
            db.Referrals.Add(new Referral
            {
                PersonId = guardian.Id,
                FromProgramId = programs["P001"].Id,
                ToProgramId = programs["P008"].Id,
                Reason = "家計と就労の相談を希望",
                Status = ReferralStatus.Sent,
                SentAt = sent,
                SentBy = actor,
            });
            summary.Referrals++;
        }
        await db.SaveChangesAsync(ct);
    }

    async Task ImportAsync(DirectoryInfo folder, string code, IEnumerable<(DemoPerson Person, List<DemoContact> Contacts)> people, Summary summary, string actor, CancellationToken ct)
    {
        progress?.Report($"{code} の登録と支援記録を作っています");
        var path = Path.Combine(folder.FullName, $"{code}.csv");
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16))
        await using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }))
        {
            foreach (var column in RecordLayout.Columns)
            {
                csv.WriteField(column);
            }
            await csv.NextRecordAsync();
            foreach (var (p, contacts) in people)
            {
                var enrolled = contacts.Count > 0 ? contacts.Min(c => c.Date) : Day(FiscalYears.Start(generatingYear), random.Next(200));
                foreach (var c in contacts.Count > 0 ? contacts.Cast<DemoContact?>() : [null])
                {
                    string?[] fields =
                    [
                        p.Name, p.Kana, p.Birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Role.Japanese(), p.School, p.Ward, p.Household,
                        enrolled.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Source.Japanese(),
                        c?.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c?.Time.ToString("HH:mm", CultureInfo.InvariantCulture), c?.Kind.Japanese(), c?.Category,
                        c?.Channel.Japanese(), c is null ? null : (15 * (2 + random.Next(5))).ToString(CultureInfo.InvariantCulture),
                        c is null ? null : Pick(SyntheticCity.Said), null, null, c is null ? null : Pick(SyntheticCity.Assessed),
                        c is null ? null : $"相談員{random.Next(1, 40):D2}", c?.Office,
                    ];
                    foreach (var field in fields)
                    {
                        csv.WriteField(field ?? "");
                    }
                    await csv.NextRecordAsync();
                }
                summary.Persons++;
                summary.Contacts += contacts.Count;
            }
        }
        // The invented city is one registry: its persons may stand in several programs.
        var result = await importer.ImportAsync(path, code, actor, await db.Programs.Select(p => p.Id).ToListAsync(ct), ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"架空の街の記録を取り込めませんでした（{code}）: {result.Errors[0]}");
        }
    }

    int generatingYear;

    /// <summary>The last day of the generated year with records, from its start: the year's end, or today in the year under way.</summary>
    int lastOffset = 364;

    bool yearIsOver = true;

    /// <summary>A day of the year, never after the last day with records.</summary>
    DateOnly Day(DateOnly start, int offset) => start.AddDays(Math.Min(offset, lastOffset));

    /// <summary>Persons sharing out exactly <paramref name="total"/> contacts of one kind, about <paramref name="average"/> each.</summary>
    IEnumerable<(DemoPerson, List<DemoContact>)> Group(
        int total, int average, Func<(ContactKind, string?, ContactChannel, string?)> what, bool evenings = false)
    {
        foreach (var count in Split(total, average))
        {
            var household = NewHousehold("F");
            yield return (NewPerson(Adult(), PersonRole.Guardian, null, household, Pick([ReferralSource.Self, ReferralSource.WardWelfare, ReferralSource.Other])),
                Contacts(count, generatingYear, what, evenings));
        }
    }

    /// <summary>
    /// Shares <paramref name="total"/> among about total ÷ average persons, each at least one, some many more (a few
    /// families take much of a program's time), none more than 200.
    /// </summary>
    List<int> Split(int total, int average)
    {
        if (total <= 0)
        {
            return [];
        }
        var counts = Enumerable.Repeat(1, Math.Max(1, (int)Math.Ceiling(total / (double)average))).ToArray();
        for (var left = total - counts.Length; left > 0;)
        {
            var i = (int)(counts.Length * Math.Pow(random.NextDouble(), 1.3));
            if (counts[i] < 200)
            {
                counts[i]++;
                left--;
            }
        }
        return [.. counts];
    }

    /// <summary>Contacts on distinct days of the year (so no two rows of a person are the same row), mostly in office hours.</summary>
    List<DemoContact> Contacts(int count, int fiscalYear, Func<(ContactKind, string?, ContactChannel, string?)> what, bool evenings = false)
    {
        var start = FiscalYears.Start(fiscalYear);
        var days = new HashSet<int>();
        var contacts = new List<DemoContact>(count);
        // A year under way may have fewer open days than a person's contacts: then they have one a day.
        for (var tries = 0; contacts.Count < count && tries < 100 * count; tries++)
        {
            var day = random.Next(Math.Min(365, lastOffset + 1));
            var date = start.AddDays(day);
            if (date.DayOfWeek == DayOfWeek.Sunday || (date.DayOfWeek == DayOfWeek.Saturday && !evenings) || !days.Add(day))
            {
                continue;
            }
            var time = evenings && random.Next(6) == 0 ? new TimeOnly(17, 30).AddMinutes(15 * random.Next(10)) : new TimeOnly(9, 0).AddMinutes(15 * random.Next(32));
            var (kind, category, channel, office) = what();
            contacts.Add(new DemoContact(date, time, kind, category, channel, office));
        }
        return contacts;
    }

    int householdNumber;
    string currentWard = "041017";

    string NewHousehold(string prefix)
    {
        currentWard = Pick(MunicipalityCode.SendaiWards.Keys.ToArray());
        return $"{prefix}{++householdNumber}";
    }

    DemoPerson NewPerson(DateOnly birth, PersonRole role, string? school, string household, ReferralSource source)
    {
        while (true)
        {
            var (name, kana) = DemoNames.Draw(random);
            if (taken.Add((name, birth)))
            {
                return new DemoPerson(name, kana, birth, role, school, currentWard, household, source);
            }
            birth = birth.AddDays(random.Next(2) == 0 ? 1 : -1);
        }
    }

    DateOnly Adult() => new DateOnly(generatingYear - 50, 4, 1).AddDays(random.Next(25 * 365));

    /// <summary>A birth date in the school grade (1 = 小1 … 9 = 中3, 10 = 高1 …) of the year.</summary>
    DateOnly BirthForGrade(int fiscalYear, int grade) => new DateOnly(fiscalYear - 6 - grade, 4, 2).AddDays(random.Next(365));

    T Pick<T>(IReadOnlyList<T> choices) => choices[random.Next(choices.Count)];

    async Task<Dictionary<string, SupportProgram>> EnsureProgramsAsync(int fiscalYear, string actor, CancellationToken ct)
    {
        generatingYear = fiscalYear;
        var existing = await db.Programs.ToDictionaryAsync(p => p.NameKey, ct);
        var next = existing.Count + 1;
        var programs = new Dictionary<string, SupportProgram>();
        foreach (var (name, body) in Programs)
        {
            if (!existing.TryGetValue(JapaneseText.MatchKey(name), out var program))
            {
                program = new SupportProgram { Code = SupportProgram.CodeFor(next++), Name = name, NameKey = JapaneseText.MatchKey(name), Body = body };
                db.Programs.Add(program);
            }
            programs[$"P{programs.Count + 1:D3}"] = program;
        }
        await db.SaveChangesAsync(ct);
        // Where planners have not defined a program's figures yet, the city's way of counting them starts this year.
        var loaded = await ShippedFiles.UseAsync(ShippedFiles.Definitions, path => definitionFile.LoadAsync(path, fiscalYear, actor, ct), ct);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException($"The shipped definitions did not load: {loaded.Errors[0]}");
        }
        return programs;
    }

    async Task EnsureOfficesAsync(string actor, CancellationToken ct)
    {
        var loaded = await ShippedFiles.UseAsync(ShippedFiles.Offices, path => offices.LoadAsync(path, actor, time, ct), ct);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException($"The shipped offices did not load: {loaded.Errors[0]}");
        }
    }

    /// <summary>The city's schools by type: invented names, codes in MEXT's shape (type, 04 宮城県, 2 公立, a number).</summary>
    async Task<Dictionary<SchoolType, List<string>>> EnsureSchoolsAsync(CancellationToken ct)
    {
        (SchoolType Type, string Code, string Suffix, int Count)[] kinds =
        [
            (SchoolType.Elementary, "B1", "小学校", 118), (SchoolType.JuniorHigh, "C1", "中学校", 63), (SchoolType.HighSchool, "D1", "高等学校", 4),
            (SchoolType.Secondary, "D2", "中等教育学校", 1), (SchoolType.SpecialNeeds, "E1", "特別支援学校", 4),
        ];
        var existing = (await db.Schools.Select(s => s.Code).ToListAsync(ct)).ToHashSet();
        var codes = new Dictionary<SchoolType, List<string>>();
        foreach (var (type, prefix, suffix, count) in kinds)
        {
            codes[type] = [];
            for (var i = 0; i < count; i++)
            {
                var code = $"{prefix}042{900000 + i:D8}";
                codes[type].Add(code);
                if (existing.Add(code))
                {
                    var name = $"{SchoolPrefixes[i % SchoolPrefixes.Length]}{(i / SchoolPrefixes.Length == 0 ? "" : "第" + (i / SchoolPrefixes.Length + 1))}{suffix}";
                    db.Schools.Add(new School { Code = code, Name = $"仙台市立{name}", Type = type, Course = type == SchoolType.HighSchool ? "全日制" : null });
                }
            }
        }
        await db.SaveChangesAsync(ct);
        return codes;
    }

    static int HashCode(params int[] values) => values.Aggregate(17, (hash, v) => unchecked(hash * 31 + v));

    // string.GetHashCode differs between runs; the demo must not.
    static int Checksum(string text) => text.Aggregate(0, (hash, c) => unchecked(hash * 31 + c));

    sealed class Summary
    {
        public int Persons, Contacts, Sessions, Attendances, Placements, Outcomes, Distributions, Subsidies, Referrals;

        public DemoSummary ToRecord() => new(Persons, Contacts, Sessions, Attendances, Placements, Outcomes, Distributions, Subsidies, Referrals);
    }
}
