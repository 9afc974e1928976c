using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.People;
using Tsunagu.Places;
using Tsunagu.Records.Import;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Demo;

/// <summary>
/// An invented city: households, children and guardians with names drawn from common Japanese surnames and given
/// names, and a year of contacts, written as the records-import layout so that the data goes in the way a
/// program's own spreadsheet would. Nobody in it is real. The same seed gives the same city, byte for byte.
/// </summary>
public sealed class SyntheticCity(int seed)
{
    internal static readonly string[] Said = ["勉強が分からない", "学校に行きづらい", "進路が決まらない", "家計が苦しい", "仕事を探している", "養育費が払われない", "体調がすぐれない", "友人関係で悩んでいる"];
    internal static readonly string[] Assessed = ["次回も継続して面談", "関係機関と情報共有", "制度の案内を行った", "学習の習慣がつきつつある", "見守りを続ける"];

    readonly Random random = new(seed);

    // The import matches a person by name and birth date: two households drawing the same person would be one person
    // in two wards (it first happened at the 47,006th row of a 100,000-person city), so a person is drawn once.
    readonly HashSet<(string Name, DateOnly Birth)> drawn = [];

    public sealed record Options(int FiscalYear, int Persons, int Contacts);

    /// <summary>Writes persons and their contacts (one row each; persons with no contact get a registration row).</summary>
    public int WriteCsv(TextWriter output, Options options)
    {
        using var csv = new CsvWriter(output, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }, leaveOpen: true);
        foreach (var column in RecordLayout.Columns)
        {
            csv.WriteField(column);
        }
        csv.NextRecord();
        var wards = MunicipalityCode.SendaiWards.Keys.ToArray();
        var start = FiscalYears.Start(options.FiscalYear);
        var rows = 0;
        var contactsLeft = options.Contacts;
        var personsLeft = options.Persons;
        var household = 0;
        while (personsLeft > 0)
        {
            household++;
            var surname = DemoNames.Surnames[random.Next(DemoNames.Surnames.Length)];
            var ward = wards[random.Next(wards.Length)];
            // A guardian and one to three children: a household of the programs' kind.
            var members = new List<(string Name, string Kana, DateOnly Birth, PersonRole Role)>
            {
                Member(surname, new DateOnly(1970, 1, 1), 25 * 365, PersonRole.Guardian),
            };
            for (var c = random.Next(1, 4); c > 0; c--)
            {
                members.Add(Member(surname, start.AddYears(-18), 12 * 365, PersonRole.Child));
            }
            foreach (var member in members.Where(m => drawn.Add((m.Name, m.Birth))).Take(personsLeft))
            {
                personsLeft--;
                // Contacts are shared out so that the total comes out exactly at the end.
                var contacts = personsLeft == 0 ? contactsLeft : Math.Min(contactsLeft, random.Next(0, 2 * options.Contacts / options.Persons + 1));
                contactsLeft -= contacts;
                var enrolled = start.AddDays(random.Next(0, 60));
                var source = (ReferralSource)random.Next(0, 7);
                if (contacts == 0)
                {
                    WriteRow(csv, member, ward, household, enrolled, source, null);
                    rows++;
                }
                for (var i = 0; i < contacts; i++)
                {
                    WriteRow(csv, member, ward, household, enrolled, source, enrolled.AddDays(random.Next(0, 300)));
                    rows++;
                }
            }
        }
        csv.Flush();
        return rows;
    }

    (string, string, DateOnly, PersonRole) Member((string Name, string Kana) surname, DateOnly from, int days, PersonRole role)
    {
        var first = DemoNames.FirstParts[random.Next(DemoNames.FirstParts.Length)];
        var second = DemoNames.SecondParts[random.Next(DemoNames.SecondParts.Length)];
        return ($"{surname.Name} {first.Name}{second.Name}", $"{surname.Kana} {first.Kana}{second.Kana}", from.AddDays(random.Next(days)), role);
    }

    void WriteRow(
        CsvWriter csv, (string Name, string Kana, DateOnly Birth, PersonRole Role) m, string ward, int household, DateOnly enrolled, ReferralSource source,
        DateOnly? date)
    {
        var kind = (ContactKind)random.Next(0, 6);
        var minute = random.Next(9 * 4, 20 * 4) * 15;
        string?[] fields =
        [
            m.Name, m.Kana, m.Birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Role.Japanese(), null, ward, $"H{household}", enrolled.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            source.Japanese(),
            date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), date is null ? null : $"{minute / 60:D2}:{minute % 60:D2}", date is null ? null : kind.Japanese(), null,
            date is null ? null : ((ContactChannel)random.Next(0, 6)).Japanese(), date is null ? null : (15 * random.Next(1, 7)).ToString(CultureInfo.InvariantCulture),
            date is null ? null : Said[random.Next(Said.Length)], null, null, date is null ? null : Assessed[random.Next(Assessed.Length)],
            date is null ? null : $"相談員{random.Next(1, 40):D2}",
        ];
        foreach (var field in fields)
        {
            csv.WriteField(field ?? "");
        }
        csv.NextRecord();
    }

    public static void Write(string path, int seed, Options options)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16);
        new SyntheticCity(seed).WriteCsv(writer, options);
    }
}
