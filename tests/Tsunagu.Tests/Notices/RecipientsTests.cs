using Microsoft.EntityFrameworkCore;
using Tsunagu.Catalogue;
using Tsunagu.Japanese;
using Tsunagu.Notices;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Notices;

/// <summary>Who a notice goes to: the window's rule ∩ consent on the day ∩ never a restricted household ∩ once per window.</summary>
public class RecipientsTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheRecipients_AreTheRulesHouseholdsThatAgreed_NeverARestrictedOne_EachOncePerWindow(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using (var files = new TempFolder())
        {
            await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        }
        var day = new DateOnly(2024, 6, 20);
        int windowId;
        await using (var db = database.NewDb())
        {
            var programs = await db.Programs.ToDictionaryAsync(p => p.Code, p => p.Id);
            Person Member(Household household, string email, PersonRole role, DateOnly born) => new()
            {
                Name = "名",
                Kana = "な",
                KanaKey = JapaneseText.KanaKey("な"),
                BirthDate = born,
                Role = role,
                Household = household,
                Email = email.Length == 0 ? null : email,
            };
            // Named for the reader only: what each household is there to show.
            Household Family(string what, string? consentEmail = null, DateOnly? withdrawn = null)
            {
                _ = what;
                var household = new Household();
                db.Households.Add(household);
                if (consentEmail is not null)
                {
                    db.ReachConsents.Add(new ReachConsent { Household = household, Channel = ReachChannel.Email, GivenOn = new DateOnly(2024, 4, 1), WithdrawnOn = withdrawn, RecordedBy = "職員" });
                }
                return household;
            }
            var pupil = new DateOnly(2009, 9, 1);
            // In two programs, a guardian and the pupil with addresses: one notice, to the guardian.
            var twoPrograms = Family("twoPrograms", "yes");
            var child = Member(twoPrograms, "child@example.jp", PersonRole.Child, pupil);
            db.Persons.AddRange(child, Member(twoPrograms, "mother@example.jp", PersonRole.Guardian, new DateOnly(1980, 1, 1)));
            db.Enrollments.AddRange(new Enrollment { Person = child, ProgramId = programs["P001"], From = new DateOnly(2024, 4, 1) },
                new Enrollment { Person = child, ProgramId = programs["P003"], From = new DateOnly(2024, 4, 1) });
            db.Persons.Add(Member(Family("withdrewBefore", "yes", new DateOnly(2024, 6, 19)), "a@example.jp", PersonRole.Child, pupil));
            db.Persons.Add(Member(Family("withdrewAfter", "yes", new DateOnly(2024, 6, 21)), "b@example.jp", PersonRole.Child, pupil));
            var restricted = Family("restricted", "yes");
            db.Persons.AddRange(Member(restricted, "c@example.jp", PersonRole.Child, pupil),
                new Person { Name = "母", Kana = "はは", KanaKey = "はは", BirthDate = new DateOnly(1985, 1, 1), Role = PersonRole.Guardian, Household = restricted, Restriction = RestrictionKind.DomesticViolence });
            db.Persons.Add(Member(Family("notified", "yes"), "d@example.jp", PersonRole.Child, pupil));
            db.Persons.Add(Member(Family("noAddress", "yes"), "", PersonRole.Child, pupil));
            db.Persons.Add(Member(Family("noConsent"), "e@example.jp", PersonRole.Child, pupil));
            db.Persons.Add(Member(Family("notInGrade", "yes"), "f@example.jp", PersonRole.Child, new DateOnly(2012, 1, 1)));
            var scheme = new SupportScheme
            {
                FiscalYear = 2024,
                Key = "test",
                Name = "制度",
                Summary = "概要",
                WhoCanApply = "対象",
                HowToApply = "方法",
                ContactPoint = "窓口",
                ProgramId = programs["P001"],
                Windows = [new ApplicationWindow { Opens = new DateOnly(2024, 7, 1), Closes = new DateOnly(2024, 7, 31), Target = "学年=中3" }],
            };
            db.SupportSchemes.Add(scheme);
            await db.SaveChangesAsync();
            windowId = scheme.Windows[0].Id;
            var campaign = new Campaign { WindowId = windowId, Message = "お知らせ", CreatedBy = "職員", Channels = [ReachChannel.Email] };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
            var notified = await db.Persons.Where(p => p.Email == "d@example.jp").Select(p => p.HouseholdId!.Value).SingleAsync();
            db.Deliveries.Add(new Delivery { CampaignId = campaign.Id, WindowId = windowId, HouseholdId = notified, Channel = ReachChannel.Email, Address = "d@example.jp", Subject = "件名", Message = "お知らせ", Key = Guid.NewGuid() });
            await db.SaveChangesAsync();
        }
        await using var check = database.NewDb();
        var rule = TargetRule.Parse("学年=中3", await check.Programs.ToListAsync());

        var email = await Recipients.Of(check, windowId, rule, ReachChannel.Email, day).ToListAsync();
        var line = await Recipients.Of(check, windowId, rule, ReachChannel.Line, day).ToListAsync();

        Assert.Equal(["b@example.jp", "mother@example.jp"], email.Select(r => r.Address).Order(StringComparer.Ordinal));
        Assert.Equal(2, email.Select(r => r.HouseholdId).Distinct().Count());
        Assert.Empty(line);
    }
}
