using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Contacts;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Tests.Web;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// A small city for scope tests: 髙橋𠮷子 and her mother in 学習・生活サポート事業 (P001, mayor's bureaus), 佐藤太郎 in
/// ひとり親家庭等生活向上支援事業 (P008), nobody yet in スクールカウンセラー配置事業 (P003, education board), and one
/// account of every role.
/// </summary>
public sealed class RecordsWorld : IAsyncDisposable
{
    public const string AliceName = "髙橋 𠮷子";
    public const string BobName = "佐藤 太郎";

    /// <summary>Alice's household's address and her mother's telephone: personal data under the same scope as the names.</summary>
    public const string AliceAddress = "宮城県仙台市青葉区一番町1丁目2番3号 コーポ青葉101";
    public const string MotherPhone = "090-1234-5678";

    /// <summary>20 June 2024, 10:00 in Japan: FY2024, when 髙橋𠮷子 (born 15 June 2009) is in 中3.</summary>
    public static readonly FixedTime Today = new(new DateTimeOffset(2024, 6, 20, 10, 0, 0, TimeSpan.FromHours(9)));

    public required TestDatabase Database { get; init; }
    public required TsunaguFactory Factory { get; init; }
    public required Dictionary<string, string> Users { get; init; }
    public int Alice { get; private set; }
    public int Mother { get; private set; }
    public int Bob { get; private set; }
    public int AliceHousehold { get; private set; }
    /// <summary>Alice's enrolment in P001 (学習・生活サポート事業), from 10 April 2024.</summary>
    public int AliceEnrollment { get; private set; }
    /// <summary>Alice's contact of 1 June 2024 (数学の課題に取り組んだ); the other is of 8 June.</summary>
    public long AliceContact { get; private set; }

    /// <param name="time">The application's clock; by default <see cref="Today"/>, 20 June 2024.</param>
    /// <param name="database">An empty database of the test's making (on a cluster of its own); by default a new one of <paramref name="kind"/>.</param>
    public static async Task<RecordsWorld> CreateAsync(DatabaseKind kind, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, TestDatabase? database = null)
    {
        database ??= await TestDatabase.CreateAsync(kind, migrate: false);
        var factory = await TsunaguFactory.StartAsync(database, time ?? Today, settings, services);
        var users = new Dictionary<string, string>();
        foreach (var (name, role, program) in new[]
        {
            ("caseworkerA", Roles.Caseworker, "P001"), ("caseworkerB", Roles.Caseworker, "P008"), ("caseworkerEdu", Roles.Caseworker, "P003"),
            ("managerA", Roles.Manager, "P001"), ("planner", Roles.Planner, null), ("viewer", Roles.Viewer, null),
            ("auditor", Roles.Auditor, null), ("admin", Roles.Admin, null),
        })
        {
            users[name] = await factory.AddUserAsync(role);
            if (program is not null)
            {
                var result = await CliRun.RunAsync(database, "users", "assign", users[name], "--program", program);
                Assert.Equal(0, result.ExitCode);
            }
        }
        var world = new RecordsWorld { Database = database, Factory = factory, Users = users };
        await world.SeedAsync();
        return world;
    }

    async Task SeedAsync()
    {
        await using var db = Database.NewDb();
        var programs = await db.Programs.ToDictionaryAsync(p => p.Code, p => p.Id);
        var household = new Household
        {
            WardCode = "041017",
            Circumstances = HouseholdCircumstances.SingleMother | HouseholdCircumstances.Hardship,
            PostalCode = "980-0811",
            Address = AliceAddress,
            AddressKey = ContactDetailsRules.AddressKey(AliceAddress),
        };
        var alice = Person(AliceName, "たかはし よしこ", new DateOnly(2009, 6, 15), PersonRole.Child, household);
        var mother = Person("髙橋 花子", "たかはし はなこ", new DateOnly(1982, 1, 20), PersonRole.Guardian, household);
        (mother.Phone, mother.PhoneKey) = (MotherPhone, ContactDetailsRules.PhoneKey(MotherPhone));
        var bob = Person(BobName, "さとう たろう", new DateOnly(1990, 3, 3), PersonRole.Guardian, new Household());
        db.Persons.AddRange(alice, mother, bob);
        var aliceEnrollment = new Enrollment { Person = alice, ProgramId = programs["P001"], From = new DateOnly(2024, 4, 10) };
        db.Enrollments.AddRange(
            aliceEnrollment,
            new Enrollment { Person = mother, ProgramId = programs["P001"], From = new DateOnly(2024, 4, 10) },
            new Enrollment { Person = bob, ProgramId = programs["P008"], From = new DateOnly(2024, 5, 1) });
        var aliceContact = Contact(programs["P001"], new DateOnly(2024, 6, 1), alice, "数学の課題に取り組んだ");
        db.Contacts.AddRange(
            aliceContact,
            Contact(programs["P001"], new DateOnly(2024, 6, 8), alice, "進路について話した"),
            Contact(programs["P008"], new DateOnly(2024, 6, 3), bob, "養育費の相談"));
        await db.SaveChangesAsync();
        (Alice, Mother, Bob, AliceHousehold, AliceEnrollment, AliceContact) = (alice.Id, mother.Id, bob.Id, household.Id, aliceEnrollment.Id, aliceContact.Id);
    }

    static Person Person(string name, string kana, DateOnly birth, PersonRole role, Household household) =>
        new() { Name = name, Kana = kana, KanaKey = JapaneseText.KanaKey(kana), BirthDate = birth, Role = role, Household = household };

    static Contact Contact(int programId, DateOnly date, Person person, string said) => new()
    {
        ProgramId = programId,
        Date = date,
        Time = new TimeOnly(15, 0),
        Kind = ContactKind.StudySession,
        Channel = ContactChannel.Visit,
        StaffName = "職員",
        Persons = [new ContactPerson { Person = person }],
        Notes = [new ContactNote { Provenance = NoteProvenance.PersonSaid, Text = said }],
    };

    public async Task<int> ProgramIdAsync(string code)
    {
        await using var db = Database.NewDb();
        return await db.Programs.Where(p => p.Code == code).Select(p => p.Id).SingleAsync();
    }

    public Task<WebClient> SignInAsync(string user) => WebClient.SignInAsync(Factory, Users[user]);

    /// <summary>Defines figures as a planner would (see <see cref="Indicators.IndicatorComputeTests.DefineAsync"/>).</summary>
    public async Task DefineAsync(params DefinitionInput[] inputs)
    {
        await using var db = Database.NewDb();
        await Indicators.IndicatorComputeTests.DefineAsync(db, inputs);
    }

    /// <summary>The year computed from the records, as the planner's 集計 does: "P001.key" → value.</summary>
    public async Task<Dictionary<string, decimal?>> ComputeAsync(int fiscalYear = 2024)
    {
        await using var db = Database.NewDb();
        var figures = await new IndicatorComputer(db, new IndicatorDefinitions(db, Today)).ComputeAsync(fiscalYear);
        return figures.ToDictionary(f => $"{f.ProgramCode}.{f.Definition.Key}", f => f.Value);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
