using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Placements;
using Tsunagu.Places;
using Tsunagu.Sessions;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

/// <summary>
/// Each kind of measure on a handful of records whose answers are known by hand: the fiscal-year boundary (31 March in,
/// 1 April out), a person enrolled in two programs, a contact with two persons, a 中3 pupil without an outcome yet.
/// </summary>
public class IndicatorComputeTests
{
    static readonly FixedTime Time = new(new DateTimeOffset(2025, 5, 1, 9, 0, 0, TimeSpan.FromHours(9)));

    /// <summary>The seed's programs (P001…P008) and the records below; returns the database.</summary>
    internal static async Task<TestDatabase> HandMadeCityAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()))).ExitCode);
        await using var db = database.NewDb();
        var p = await db.Programs.ToDictionaryAsync(x => x.Code, x => x.Id);
        var office = new Office { Name = "青葉区役所", Kind = OfficeKind.WardOffice, WardCode = "041017" };
        db.Offices.Add(office);

        Person Child(string name, DateOnly birth) => new() { Name = name, Kana = "てすと", KanaKey = "てすと", BirthDate = birth, Role = PersonRole.Child };
        var guardian = new Person { Name = "保護者 一", Kana = "ほごしゃ", KanaKey = "ほごしゃ", BirthDate = new(1985, 1, 1), Role = PersonRole.Guardian };
        // 中3 in FY2024: born 2 April 2009 – 1 April 2010.
        Person a = Child("生徒 A", new(2009, 8, 1)), b = Child("生徒 B", new(2010, 5, 5)), c = Child("生徒 C", new(2010, 1, 5)),
            d = Child("生徒 D", new(2010, 6, 6)), e = Child("生徒 E", new(2009, 12, 12)), f = Child("生徒 F", new(2009, 4, 2));
        Enrollment Enrol(Person person, string program, DateOnly from, DateOnly? to = null) =>
            new() { Person = person, ProgramId = p[program], From = from, To = to, Status = to is null ? EnrollmentStatus.Active : EnrollmentStatus.Ended };
        db.Enrollments.AddRange(
            Enrol(a, "P001", new(2024, 4, 10)),
            Enrol(b, "P001", new(2023, 5, 1), new(2024, 3, 31)), // ended the day before FY2024
            Enrol(c, "P001", new(2025, 3, 31)),                   // enrolled on the last day of FY2024
            Enrol(d, "P001", new(2025, 4, 1)),                    // FY2025
            Enrol(e, "P001", new(2023, 9, 1)),                    // 中3 with no outcome yet
            Enrol(f, "P001", new(2024, 6, 1), new(2024, 9, 30)),  // 中3, left in the autumn
            Enrol(guardian, "P001", new(2024, 4, 10)),
            Enrol(a, "P008", new(2024, 7, 1)),                    // the same pupil in a second program
            Enrol(guardian, "P006", new(2024, 4, 1)));

        Contact Contact(string program, DateOnly date, string? category, TimeOnly? time = null, params Person[] persons) => new()
        {
            ProgramId = p[program],
            Date = date,
            Time = time ?? new(10, 0),
            Kind = ContactKind.Consultation,
            Category = category,
            Channel = ContactChannel.Visit,
            OfficeId = office.Id == 0 ? null : office.Id,
            StaffName = "職員",
            WithGuardian = persons.Length > 1 || persons.Any(x => x.Role == PersonRole.Guardian),
            Persons = [.. persons.Select((x, i) => new ContactPerson { Person = x, Role = i == 0 ? ContactPersonRole.Subject : ContactPersonRole.Guardian })],
        };
        await db.SaveChangesAsync();
        db.Contacts.AddRange(
            Contact("P006", new(2024, 4, 1), "女性相談", null, guardian),        // first day: in
            Contact("P006", new(2025, 3, 31), "女性相談", null, guardian),       // last day: in
            Contact("P006", new(2024, 3, 31), "女性相談", null, guardian),       // FY2023
            Contact("P006", new(2025, 4, 1), "女性相談", null, guardian),        // FY2025
            Contact("P006", new(2024, 5, 7), "ひとり親家庭相談", null, a, guardian), // two persons: one contact
            Contact("P006", new(2024, 5, 8), "母子保健", new(18, 30), a),         // a Wednesday evening
            Contact("P006", new(2024, 5, 11), "母子保健", new(10, 0), a),         // a Saturday
            Contact("P008", new(2024, 7, 2), null, null, a));
        db.Sessions.AddRange(
            new SupportSession { ProgramId = p["P005"], Kind = SessionKind.EmploymentSeminar, Date = new(2024, 6, 1), Title = "1", Attendances = [new() { Person = guardian }, new() { Person = a }] },
            new SupportSession { ProgramId = p["P005"], Kind = SessionKind.EmploymentSeminar, Date = new(2025, 3, 1), Title = "2", UnregisteredHeadCount = 3, Attendances = [new() { Person = guardian }] },
            new SupportSession { ProgramId = p["P005"], Kind = SessionKind.EmploymentSeminar, Date = new(2024, 3, 30), Title = "FY2023", UnregisteredHeadCount = 9 },
            new SupportSession { ProgramId = p["P005"], Kind = SessionKind.SpecialistSeminar, Date = new(2024, 6, 2), Title = "other kind" });
        db.Placements.AddRange(
            new Placement { ProgramId = p["P003"], FiscalYear = 2024, StaffName = "SC1" },
            new Placement { ProgramId = p["P003"], FiscalYear = 2024, StaffName = "SC2" },
            new Placement { ProgramId = p["P003"], FiscalYear = 2024, StaffName = "SC3" },
            new Placement { ProgramId = p["P003"], FiscalYear = 2023, StaffName = "SC1" });
        db.Distributions.AddRange(
            new Distribution { ProgramId = p["P004"], Date = new(2024, 10, 1), Item = "冊子", Facility = "施設", Copies = 50 },
            new Distribution { ProgramId = p["P004"], Date = new(2025, 4, 2), Item = "冊子", Facility = "施設", Copies = 50 });
        db.Outcomes.AddRange(
            new Outcome { Person = a, ProgramId = p["P001"], FiscalYear = 2024, Kind = OutcomeKind.EnteredHighSchool, Course = "全日制", RecordedOn = new(2025, 3, 20) },
            new Outcome { Person = c, ProgramId = p["P001"], FiscalYear = 2024, Kind = OutcomeKind.FinishedJuniorHigh, RecordedOn = new(2025, 3, 31) },
            new Outcome { Person = f, ProgramId = p["P001"], FiscalYear = 2023, Kind = OutcomeKind.Promoted, RecordedOn = new(2024, 3, 20) });
        await db.SaveChangesAsync();
        return database;
    }

    internal static async Task DefineAsync(TsunaguDb db, params DefinitionInput[] inputs)
    {
        var definitions = new IndicatorDefinitions(db, Time);
        foreach (var input in inputs)
        {
            await definitions.SaveAsync(input, "planner@city");
        }
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EveryMeasureKind_CountsWhatItsDefinitionSays(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await HandMadeCityAsync(kind, files);
        await using var db = database.NewDb();
        await DefineAsync(db,
            new("P001", "pupils", 2024, 0, "利用者数", "人", MeasureKind.EnrolledPersons, "本人区分=児童・生徒"),
            new("P001", "everyone", 2024, 1, "登録者数", "人", MeasureKind.EnrolledPersons),
            new("P001", "finished", 2024, 2, "中学校卒業者", "人", MeasureKind.OutcomePersons,
                "結果=高等学校に進学,中等教育学校後期課程に進学,特別支援学校高等部に進学,高等専門学校に進学,専修学校高等課程に進学,中学校卒業（進路未定など）"),
            new("P001", "entered", 2024, 3, "高校進学者", "人", MeasureKind.OutcomePersons,
                "結果=高等学校に進学,中等教育学校後期課程に進学,特別支援学校高等部に進学,高等専門学校に進学,専修学校高等課程に進学"),
            new("P001", "rate", 2024, 4, "高校進学率", "%", MeasureKind.Rate, NumeratorKey: "entered", DenominatorKey: "finished"),
            new("P003", "placed", 2024, 0, "スクールカウンセラー", "名", MeasureKind.Placements),
            new("P004", "booklet", 2024, 0, "配布", "回", MeasureKind.Distributions),
            new("P005", "seminars", 2024, 0, "就業支援セミナー", "回", MeasureKind.Sessions, "開催種別=就業支援セミナー"),
            new("P005", "came", 2024, 1, "参加者", "人", MeasureKind.Attendances, "開催種別=就業支援セミナー"),
            new("P005", "cameOnce", 2024, 2, "参加実人数", "人", MeasureKind.AttendingPersons, "開催種別=就業支援セミナー"),
            new("P006", "women", 2024, 0, "女性相談", "件", MeasureKind.Contacts, "分類=女性相談"),
            new("P006", "all", 2024, 1, "相談件数", "件", MeasureKind.Contacts),
            new("P006", "guardian", 2024, 2, "保護者支援", "件", MeasureKind.Contacts, "関係者=保護者"),
            new("P006", "evening", 2024, 3, "夜間・土曜", "件", MeasureKind.Contacts, "時間帯=夜間,土曜"),
            new("P006", "office", 2024, 4, "青葉区役所", "件", MeasureKind.Contacts, "事業所=青葉区役所"),
            new("P006", "singleParents", 2024, 5, "ひとり親家庭相談の実人数", "人", MeasureKind.ServedPersons, "分類=ひとり親家庭相談"),
            new("P006", "served", 2024, 6, "相談実人数", "人", MeasureKind.ServedPersons),
            new("P006", "servedGuardians", 2024, 7, "保護者の相談実人数", "人", MeasureKind.ServedPersons, "本人区分=保護者"),
            new("P008", "enrolled", 2024, 0, "利用者数", "人", MeasureKind.EnrolledPersons));

        var figures = await new IndicatorComputer(db, new IndicatorDefinitions(db, Time)).ComputeAsync(2024);

        var values = figures.ToDictionary(f => $"{f.ProgramCode}.{f.Definition.Key}", f => f.Value);
        Assert.Equal(new Dictionary<string, decimal?>
        {
            // A (from April), C (enrolled on 31 March 2025), E (since 2023), F (left in the autumn); not B (ended 31 March
            // 2024), not D (from April 2025), not the guardian — who the second figure does count.
            ["P001.pupils"] = 4,
            ["P001.everyone"] = 5,
            // A entered a high school, C finished 中学校 with no school yet; E has no outcome recorded (pending below); F's
            // outcome is FY2023's, and F left the program in the autumn, so is not pending either.
            ["P001.finished"] = 2,
            ["P001.entered"] = 1,
            ["P001.rate"] = 50,
            ["P003.placed"] = 3,
            ["P004.booklet"] = 1,
            // Two seminars in the year (not FY2023's, not the specialist one): 2 + 1 registered and 3 unregistered came, 2 persons.
            ["P005.seminars"] = 2,
            ["P005.came"] = 6,
            ["P005.cameOnce"] = 2,
            // 1 April 2024 and 31 March 2025 in; 31 March 2024 and 1 April 2025 out. The contact with two persons is one contact.
            ["P006.women"] = 2,
            ["P006.all"] = 5,
            ["P006.guardian"] = 3,
            ["P006.evening"] = 2,
            ["P006.office"] = 5,
            ["P006.singleParents"] = 2,
            // Persons on any contact of the year (from the per-person-per-year facts): the guardian and A; one guardian.
            ["P006.served"] = 2,
            ["P006.servedGuardians"] = 1,
            // A is counted in P008 as well as in P001.
            ["P008.enrolled"] = 1,
        }, values);
        var rate = figures.Single(f => f.Definition.Key == "rate");
        Assert.Equal((1m, 2m, 1), (rate.Numerator, rate.Denominator, rate.Pending));
        Assert.Equal("50%（分子 1 / 分母 2） ※中3で進路が未記録の方が 1 人います（分母に入っていません）", rate.Explain());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Definitions_AreCheckedWhenSaved_AndANewVersionAppliesFromItsYear(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await HandMadeCityAsync(kind, files);
        await using var db = database.NewDb();
        await DefineAsync(db,
            new("P006", "women", 2023, 0, "女性相談", "件", MeasureKind.Contacts, "分類=女性相談"),
            new("P001", "finished", 2024, 0, "卒業者", "人", MeasureKind.OutcomePersons, "結果=中学校卒業（進路未定など）"),
            new("P001", "entered", 2024, 1, "進学者", "人", MeasureKind.OutcomePersons, "結果=高等学校に進学"));
        var definitions = new IndicatorDefinitions(db, Time);

        async Task<string> Refused(DefinitionInput input) => (await Assert.ThrowsAsync<DefinitionException>(() => definitions.SaveAsync(input, "planner"))).Message;

        Assert.Equal("分類「DV相談」はありません。使える値: 女性相談、ひとり親家庭相談、母子保健",
            await Refused(new("P006", "dv", 2024, 0, "DV", "件", MeasureKind.Contacts, "分類=DV相談")));
        Assert.Equal("支援記録の延べ件数の条件に「結果」は使えません。使える項目: 種別、分類、方法、関係者、時間帯、事業所",
            await Refused(new("P006", "x", 2024, 0, "X", "件", MeasureKind.Contacts, "結果=就職")));
        Assert.Equal("分母の指標「nobody」はこの事業の令和6年度の指標にありません。",
            await Refused(new("P001", "rate", 2024, 2, "進学率", "%", MeasureKind.Rate, NumeratorKey: "entered", DenominatorKey: "nobody")));
        // Those who entered a high school are not among those who finished with no school: a rate over a set its numerator is not in.
        Assert.Equal("分子「進学者」の対象が分母「卒業者」の対象に含まれていません。",
            await Refused(new("P001", "rate", 2024, 2, "進学率", "%", MeasureKind.Rate, NumeratorKey: "entered", DenominatorKey: "finished")));
        Assert.Equal("事業所「中央センター」はありません。使える値: 青葉区役所",
            await Refused(new("P006", "x", 2024, 0, "X", "件", MeasureKind.Contacts, "事業所＝中央センター")));

        // 女性相談 counts e-mail consultations only from FY2024; FY2023 keeps the first version.
        await definitions.SaveAsync(new("P006", "women", 2024, 0, "女性相談", "件", MeasureKind.Contacts, "分類＝女性相談；方法＝メール、電話"), "planner");
        var fy2023 = (await definitions.InForceAsync(2023)).Single(d => d.Key == "women");
        var fy2024 = (await definitions.InForceAsync(2024)).Single(d => d.Key == "women");
        Assert.Equal((1, "分類=女性相談"), (fy2023.Version, fy2023.Filter));
        Assert.Equal((2, "分類=女性相談; 方法=メール,電話"), (fy2024.Version, fy2024.Filter));
        Assert.Equal(4, await db.AuditEntries.CountAsync(a => a.Action == "indicator.define"));
        Assert.Equal(2, await db.IndicatorDefinitions.CountAsync(d => d.Key == "women"));
    }
}
