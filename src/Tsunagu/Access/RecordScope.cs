using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Access;

/// <summary>
/// The one way to people's records. Every query for persons, households and records starts here and is limited to
/// the programs the signed-in case worker or manager is assigned to; anyone else (planners, auditors, admins) gets
/// nothing. Every read of a person is written to the access log.
/// </summary>
public sealed class RecordScope(TsunaguDb db, ICurrentUser user, TimeProvider time, AccessLogWriter log)
{
    IReadOnlyList<int>? programIds;

    public string UserId => user.UserId;

    public string UserName => user.UserName;

    public bool IsInRole(string role) => user.IsInRole(role);

    /// <summary>The programs whose records the user works with; empty for every role that does not.</summary>
    public async Task<IReadOnlyList<int>> ProgramIdsAsync()
    {
        if (programIds is not null)
        {
            return programIds;
        }
        if (!Roles.Records.Any(user.IsInRole))
        {
            return programIds = [];
        }
        var userId = UserId;
        return programIds = await db.ProgramAssignments.Where(a => a.UserId == userId).Select(a => a.ProgramId).ToListAsync();
    }

    /// <summary>
    /// What narrows the user's programs: the offices they work at in programs run office by office (a worker sees
    /// their own office's cases and those shared with it), and restricted records (閲覧制限: only the workers named on
    /// one, and the managers of its programs, find it). Asked once per request; each part is left out of the queries
    /// when it cannot hide anything, so a worker of a program without either pays nothing for them.
    /// </summary>
    sealed record Narrowing(int[] OfficePrograms, int[] Offices, bool Restrictions);

    Narrowing? narrowing;

    async Task<Narrowing> NarrowingAsync()
    {
        if (narrowing is not null)
        {
            return narrowing;
        }
        var userId = UserId;
        var manager = user.IsInRole(Roles.Manager);
        var offices = manager ? [] : await db.ProgramAssignments.Where(a => a.UserId == userId && a.OfficeId != null)
            .Select(a => new { a.ProgramId, Office = a.OfficeId!.Value }).ToListAsync();
        var restrictions = !manager && await db.Persons.AnyAsync(p => p.Restriction != null);
        return narrowing = new([.. offices.Select(o => o.ProgramId).Distinct()], [.. offices.Select(o => o.Office).Distinct()], restrictions);
    }

    /// <summary>
    /// The enrolments the user sees: of their programs, of their office or shared with it where the program is run
    /// office by office, and of persons not restricted from them. Everything else in the scope is built on these.
    /// </summary>
    public async Task<IQueryable<Enrollment>> EnrollmentsAsync()
    {
        var ids = await ProgramIdsAsync();
        var query = db.Enrollments.Where(e => ids.Contains(e.ProgramId));
        var (officePrograms, offices, restrictions) = await NarrowingAsync();
        if (officePrograms.Length > 0)
        {
            query = query.Where(e => !officePrograms.Contains(e.ProgramId) || e.OfficeId == null || offices.Contains(e.OfficeId.Value)
                || db.CaseShares.Any(s => s.EnrollmentId == e.Id && offices.Contains(s.OfficeId)));
        }
        if (restrictions)
        {
            var unrestricted = Unrestricted();
            query = query.Where(e => unrestricted.Any(p => p.Id == e.PersonId));
        }
        return query;
    }

    /// <summary>Persons no restriction keeps from the user: not restricted, or restricted with the user named on it.</summary>
    IQueryable<Person> Unrestricted()
    {
        var userId = UserId;
        return db.Persons.Where(p => p.Restriction == null || db.RestrictedRecordStaff.Any(s => s.PersonId == p.Id && s.UserId == userId));
    }

    /// <summary>Persons with an enrolment the user sees (<see cref="EnrollmentsAsync"/>).</summary>
    public async Task<IQueryable<Person>> PersonsAsync()
    {
        var enrollments = await EnrollmentsAsync();
        return db.Persons.Where(p => enrollments.Any(e => e.PersonId == p.Id));
    }

    /// <summary>
    /// Households whose address and consents the user may read: those of a person the user sees, unless another member is
    /// restricted and hidden from the user — a child in temporary protection or a DV mother shares the household's
    /// address with members other workers see.
    /// </summary>
    public async Task<IQueryable<Household>> HouseholdsAsync()
    {
        var persons = await PersonsAsync();
        return db.Households.Where(h => persons.Any(p => p.HouseholdId == h.Id)
            && !db.Persons.Any(p => p.HouseholdId == h.Id && p.Restriction != null && p.MergedIntoId == null && !persons.Any(s => s.Id == p.Id)));
    }

    /// <summary>Whether a household's address and consents are the user's to read (<see cref="HouseholdsAsync"/>).</summary>
    public async Task<bool> MayReadHouseholdAsync(int householdId) => await (await HouseholdsAsync()).AnyAsync(h => h.Id == householdId);

    /// <summary>
    /// Whether records of a person the user does not see can lie in the user's programs: then each record about
    /// persons is kept only where every person in it is seen.
    /// </summary>
    async Task<bool> NarrowedAsync() => await NarrowingAsync() is { Restrictions: true } or { OfficePrograms.Length: > 0 };

    /// <summary>
    /// Contacts of the user's programs only: a person in two programs shows each worker their own program's work. A
    /// contact with a person the user does not see is not seen.
    /// </summary>
    public async Task<IQueryable<Contact>> ContactsAsync()
    {
        var ids = await ProgramIdsAsync();
        return await SeenOnlyAsync(db.Contacts.Where(c => ids.Contains(c.ProgramId)));
    }

    /// <summary>
    /// One person's contacts in the user's programs: the timeline. Narrowed like <see cref="ContactsAsync"/>: a contact
    /// with someone else the user does not see (a restricted mother beside her child) is left out.
    /// </summary>
    public async Task<IQueryable<Contact>> ContactsOfAsync(int personId) => await SeenOnlyAsync(await ContactsOfAsync(db, await ProgramIdsAsync(), personId));

    /// <summary>Contacts whose every person the user sees, where anything narrows the scope.</summary>
    async Task<IQueryable<Contact>> SeenOnlyAsync(IQueryable<Contact> contacts)
    {
        if (!await NarrowedAsync())
        {
            return contacts;
        }
        var persons = await PersonsAsync();
        return contacts.Where(c => !db.ContactPersons.Any(cp => cp.ContactId == c.Id && !persons.Any(p => p.Id == cp.PersonId)));
    }

    /// <summary>
    /// The person's contact ids come first (indexed by person, a short list), then the contacts by primary key.
    /// As one query, "newest 200 of the program, this person's" lets the database walk the program's date index
    /// through a million contacts looking for them: about a second at that size.
    /// </summary>
    public static async Task<IQueryable<Contact>> ContactsOfAsync(TsunaguDb db, IReadOnlyList<int> programIds, int personId)
    {
        var ids = await db.ContactPersons.Where(cp => cp.PersonId == personId).Select(cp => cp.ContactId).ToListAsync();
        return db.Contacts.Where(c => ids.Contains(c.Id) && programIds.Contains(c.ProgramId));
    }

    /// <summary>Referrals sent from or to one of the user's programs, about a person the user sees.</summary>
    public async Task<IQueryable<Referral>> ReferralsAsync()
    {
        var ids = await ProgramIdsAsync();
        var query = db.Referrals.Where(r => ids.Contains(r.FromProgramId) || (r.ToProgramId != null && ids.Contains(r.ToProgramId.Value)));
        if (!await NarrowedAsync())
        {
            return query;
        }
        // A referral waiting for the user's program is about someone not enrolled there yet: seen unless restricted.
        var persons = await PersonsAsync();
        var unrestricted = Unrestricted();
        return query.Where(r => persons.Any(p => p.Id == r.PersonId) || (r.Status == ReferralStatus.Sent && r.ToProgramId != null && ids.Contains(r.ToProgramId.Value)
            && unrestricted.Any(p => p.Id == r.PersonId)));
    }

    public async Task<IQueryable<SupportSession>> SessionsAsync()
    {
        var ids = await ProgramIdsAsync();
        return db.Sessions.Where(s => ids.Contains(s.ProgramId));
    }

    public async Task<IQueryable<SubsidyApplication>> SubsidiesAsync()
    {
        var ids = await ProgramIdsAsync();
        var query = db.Subsidies.Where(s => ids.Contains(s.ProgramId));
        var persons = await NarrowedAsync() ? await PersonsAsync() : null;
        return persons is null ? query : query.Where(s => persons.Any(p => p.Id == s.PersonId));
    }

    public async Task<IQueryable<Outcome>> OutcomesAsync()
    {
        var ids = await ProgramIdsAsync();
        var query = db.Outcomes.Where(o => ids.Contains(o.ProgramId));
        var persons = await NarrowedAsync() ? await PersonsAsync() : null;
        return persons is null ? query : query.Where(o => persons.Any(p => p.Id == o.PersonId));
    }

    /// <summary>
    /// Persons in scope by kana or name prefix and birth date, the user's own active cases first (not yet logged: the
    /// caller logs what it shows).
    /// </summary>
    public async Task<List<Person>> FindPersonsAsync(PersonQuery terms, CancellationToken ct = default) =>
        await PersonSearch.FindAsync(await PersonsAsync(), terms, OwnCases(), await HouseholdsAsync(), ct);

    /// <summary>The persons whose active enrolment the user is 担当者 of.</summary>
    public IQueryable<int> OwnCases()
    {
        var userId = UserId;
        return db.Enrollments.Where(e => e.OwnerUserId == userId && e.Status == EnrollmentStatus.Active).Select(e => e.PersonId);
    }

    /// <summary>A person in scope, logged as read from <paramref name="source"/>; null when out of scope or missing.</summary>
    public async Task<Person?> ReadPersonAsync(int id, string source)
    {
        var person = await (await PersonsAsync()).Include(p => p.Household).AsNoTracking().SingleOrDefaultAsync(p => p.Id == id);
        if (person is not null)
        {
            await LogAsync([person.Id], source);
        }
        return person;
    }

    /// <summary>
    /// Writes one access-log entry per person shown, and returns once they are committed: with other requests' entries
    /// (<see cref="AccessLogWriter"/>), or inside the request's own transaction when one is open (its write lock held,
    /// another connection could not write).
    /// </summary>
    public async Task LogAsync(IEnumerable<int> personIds, string source)
    {
        var now = time.GetUtcNow();
        var entries = personIds.Distinct()
            .Select(personId => new AccessLogEntry { At = now, UserId = UserId, UserName = UserName, PersonId = personId, Source = source })
            .ToList();
        if (entries.Count == 0)
        {
            return;
        }
        if (db.Database.CurrentTransaction is not null)
        {
            db.AccessLog.AddRange(entries);
            await db.SaveChangesAsync();
            return;
        }
        await log.WriteAsync(entries);
    }

    /// <summary>An audit entry for what the user did to a record (never a name or a note in it: ids and codes).</summary>
    public void Audit(string action, string? programCode, string subject, string? after = null, string? before = null, int? fiscalYear = null, string? reason = null) =>
        db.Audit(time, UserName, action, fiscalYear, programCode, subject, before, after, reason);

    /// <summary>
    /// How the user appears on the records they write (a contact's 記録者, a referral's sender): their 氏名, or the
    /// e-mail address of an account without one.
    /// </summary>
    public async Task<string> StaffNameAsync()
    {
        var userId = UserId;
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).SingleOrDefaultAsync() ?? UserName;
    }

    /// <summary>The offices the user's assignments name (where they work), if any.</summary>
    public async Task<List<int>> OfficeIdsAsync()
    {
        var userId = UserId;
        return await db.ProgramAssignments.Where(a => a.UserId == userId && a.OfficeId != null).Select(a => a.OfficeId!.Value).Distinct().ToListAsync();
    }

    /// <summary>
    /// The office the user's assignment to a program names: the office of the cases they register or accept there
    /// (<see cref="Enrollment.OfficeId"/>), so that the program's other offices see them only when shared.
    /// </summary>
    public async Task<int?> OfficeInAsync(int programId)
    {
        var userId = UserId;
        return await db.ProgramAssignments.Where(a => a.UserId == userId && a.ProgramId == programId).Select(a => a.OfficeId).FirstOrDefaultAsync();
    }

    /// <summary>Throws unless the program is one of the user's.</summary>
    public async Task EnsureProgramAsync(int programId)
    {
        if (!(await ProgramIdsAsync()).Contains(programId))
        {
            throw new RecordAccessException("この事業の記録を扱う権限がありません。");
        }
    }
}
