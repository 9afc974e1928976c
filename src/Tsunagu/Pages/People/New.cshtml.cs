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

    public List<SupportProgram> Programs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        EnrolledOn = CityClock.Today(time);
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
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
    }
}
