using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.Pages.People;

public class NewModel(TsunaguDb db, RecordScope scope, PersonService people, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Household { get; set; }

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string Kana { get; set; } = "";

    [BindProperty]
    public DateOnly? BirthDate { get; set; }

    [BindProperty]
    public PersonRole Role { get; set; }

    [BindProperty]
    public string? SchoolCode { get; set; }

    [BindProperty]
    public int ProgramId { get; set; }

    [BindProperty]
    public DateOnly EnrolledOn { get; set; }

    [BindProperty]
    public ReferralSource Source { get; set; }

    [BindProperty]
    public string? WardCode { get; set; }

    [BindProperty]
    public List<HouseholdCircumstances> Circumstances { get; set; } = [];

    /// <summary>Set once the worker has seen the likely matches and still registers a new person.</summary>
    [BindProperty]
    public bool ConfirmedNew { get; set; }

    public List<SupportProgram> Programs { get; private set; } = [];

    /// <summary>The school list, to pick a child's school by name.</summary>
    public List<Tsunagu.Places.School> Schools { get; private set; } = [];

    /// <summary>Persons in the user's scope likely to be the one being registered, with the programs they are in.</summary>
    public List<(Person Person, List<string> Programs)> Matches { get; private set; } = [];

    public async Task OnGetAsync()
    {
        EnrolledOn = CityClock.Today(time);
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (!ConfirmedNew && BirthDate is { } birth && ModelState.IsValid && !string.IsNullOrWhiteSpace(Name))
        {
            var persons = await scope.PersonsAsync();
            var matches = await Duplicates.FindAsync(persons, Name, Kana, birth);
            if (matches.Count > 0)
            {
                // Shown to ask 「同じ人ですか」: a read of each, logged like a search's results.
                await scope.LogAsync(matches.Select(p => p.Id), "POST /people/new (likely the same person)");
                var ids = matches.Select(p => p.Id).ToList();
                var programs = await (await scope.EnrollmentsAsync()).Where(e => ids.Contains(e.PersonId))
                    .Select(e => new { e.PersonId, e.Program.Name, e.Status }).ToListAsync();
                Matches = matches.Select(p => (p, programs.Where(e => e.PersonId == p.Id)
                    .Select(e => e.Name + (e.Status == EnrollmentStatus.Ended ? "（終了）" : "")).Distinct().ToList())).ToList();
                return Page();
            }
        }
        var circumstances = Circumstances.Aggregate(HouseholdCircumstances.None, (all, c) => all | c);
        return await WriteRecordsAsync(async () =>
        {
            var person = await people.RegisterAsync(new NewPerson(Name, Kana,
                BirthDate ?? throw new RecordInputException("birthDate", "生年月日: 入力してください。"), Role, SchoolCode, ProgramId, EnrolledOn, Source,
                Household, WardCode, circumstances));
            return $"/people/{person.Id}";
        }, "登録しました。");
    }

    async Task LoadAsync()
    {
        var ids = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        Schools = await db.Schools.AsNoTracking().OrderBy(s => s.Type).ThenBy(s => s.Name).ToListAsync();
    }
}
