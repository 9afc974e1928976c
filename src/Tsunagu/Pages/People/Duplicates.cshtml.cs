using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Pages.People;

/// <summary>
/// Likely duplicates (二重登録の候補) among the persons of the user's programs, and — for the program's manager — the
/// merge of a pair and the undoing of a recent merge.
/// </summary>
public class DuplicatesModel(TsunaguDb db, RecordScope scope, PersonMergeService merges) : TsunaguPageModel
{
    const int Shown = 50;

    public sealed record Candidate(Person Person, List<string> Programs, int Contacts);

    public List<(Candidate A, Candidate B)> Pairs { get; private set; } = [];
    public List<AuditEntry> RecentMerges { get; private set; } = [];
    public bool IsManager => scope.IsInRole(Roles.Manager);

    public async Task OnGetAsync() => await LoadAsync("GET /people/duplicates");

    public Task<IActionResult> OnPostMergeAsync(int keptId, int pairA, int pairB, string? reason) =>
        WriteRecordsAsync(async () =>
        {
            if (keptId != pairA && keptId != pairB)
            {
                throw new Tsunagu.Records.RecordInputException("keptId", "残す記録: この組の二つから選んでください。");
            }
            await merges.MergeAsync(keptId, keptId == pairA ? pairB : pairA, reason);
            return $"/people/{keptId}";
        }, "二つの記録を統合しました。", () => LoadAsync("POST /people/duplicates (merge)"));

    public Task<IActionResult> OnPostUndoAsync(long entryId, string? reason) =>
        WriteRecordsAsync(async () =>
        {
            await merges.UndoAsync(entryId, reason);
            return "/people/duplicates";
        }, "統合を取り消しました。", () => LoadAsync("POST /people/duplicates (undo)"));

    async Task LoadAsync(string source)
    {
        var persons = await scope.PersonsAsync();
        // Only those born on a day someone else in scope was born can be a pair; the names are folded in memory.
        var sharedDays = persons.GroupBy(p => p.BirthDate).Where(g => g.Count() > 1).Select(g => g.Key);
        var candidates = await persons.AsNoTracking().Where(p => sharedDays.Contains(p.BirthDate)).OrderBy(p => p.Id).ToListAsync();
        var pairs = candidates.GroupBy(p => p.BirthDate)
            .SelectMany(day => day.SelectMany((a, i) => day.Skip(i + 1).Where(b => Duplicates.AreLikelySame(a, b.Name, b.Kana, b.BirthDate)).Select(b => (a, b))))
            .Take(Shown).ToList();
        var ids = pairs.SelectMany(p => new[] { p.a.Id, p.b.Id }).Distinct().ToList();
        var programs = await (await scope.EnrollmentsAsync()).Where(e => ids.Contains(e.PersonId))
            .Select(e => new { e.PersonId, e.Program.Name, e.Status }).ToListAsync();
        var contacts = await db.ContactPersons.Where(p => ids.Contains(p.PersonId)).GroupBy(p => p.PersonId)
            .Select(g => new { PersonId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.PersonId, g => g.Count);
        Candidate Of(Person p) => new(p, programs.Where(e => e.PersonId == p.Id)
            .Select(e => e.Name + (e.Status == EnrollmentStatus.Ended ? "（終了）" : "")).Distinct().ToList(), contacts.GetValueOrDefault(p.Id));
        Pairs = pairs.Select(p => (Of(p.a), Of(p.b))).ToList();
        await scope.LogAsync(ids, source);
        if (IsManager)
        {
            var programIds = await scope.ProgramIdsAsync();
            var codes = await db.Programs.Where(p => programIds.Contains(p.Id)).Select(p => p.Code).ToListAsync();
            RecentMerges = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.PersonMerge && codes.Contains(a.ProgramCode!))
                .OrderByDescending(a => a.Id).Take(20).ToListAsync();
        }
    }
}
