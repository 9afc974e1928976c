using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Subsidies;

/// <summary>
/// 進学チャレンジ応援補助金 of the learning-support program: 中3 mock exams, 高3 exam and mock fees. Only a child
/// enrolled in the program may apply, in the grade the subsidy is for.
/// </summary>
public sealed class SubsidyService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public static readonly string ProgramKey = JapaneseText.MatchKey("学習・生活サポート事業");

    static int GradeFor(SubsidyKind kind) => kind == SubsidyKind.MockExamJh3 ? 9 : 12;

    public async Task<SubsidyApplication> ApplyAsync(int personId, int programId, SubsidyKind kind, DateOnly appliedOn, decimal amount)
    {
        await scope.EnsureProgramAsync(programId);
        RecordRules.Require(("kind", "補助金の種類", RecordRules.Defined(kind)));
        var program = await db.Programs.SingleAsync(p => p.Id == programId);
        if (program.NameKey != ProgramKey)
        {
            throw new RecordInputException("kind", "この補助金は学習・生活サポート事業の登録者が対象です。");
        }
        var person = await (await scope.PersonsAsync()).SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人は見られません。");
        if (!await db.Enrollments.AnyAsync(e => e.PersonId == personId && e.ProgramId == programId && e.Status == EnrollmentStatus.Active))
        {
            throw new RecordInputException("personId", "事業に登録している子どもだけが申請できます。");
        }
        var grade = SchoolGrade.Of(person.BirthDate, FiscalYears.Of(appliedOn));
        if (grade != GradeFor(kind))
        {
            throw new RecordInputException("kind", $"{kind.Japanese()}は{SchoolGrade.Label(person.BirthDate, FiscalYears.Of(appliedOn))}の子どもは申請できません。");
        }
        RecordRules.Require(
            ("amount", "申請額", RecordRules.Amount(amount)),
            ("appliedOn", "申請日", RecordRules.RecordDate(appliedOn, CityClock.Today(time), person.BirthDate)));
        var application = new SubsidyApplication { PersonId = personId, ProgramId = programId, Kind = kind, AppliedOn = appliedOn, AmountRequested = amount };
        db.Subsidies.Add(application);
        await db.SaveChangesAsync();
        return application;
    }

    public async Task DecideAsync(int id, bool approve, decimal? amount)
    {
        var application = await Load(id);
        if (application.Decision != SubsidyDecision.Pending)
        {
            throw new RecordConflictException("この申請はすでに決定済みです。");
        }
        RecordRules.Require(("amount", "交付額", approve && amount is { } approved ? RecordRules.Amount(approved) : null));
        application.Decision = approve ? SubsidyDecision.Approved : SubsidyDecision.Rejected;
        application.AmountApproved = approve ? amount ?? application.AmountRequested : null;
        application.DecidedOn = CityClock.Today(time);
        scope.Audit(AuditActions.SubsidyDecide, null, $"subsidy:{id}", $"{application.Decision.Japanese()} {application.AmountApproved}");
        await db.SaveChangesAsync();
    }

    public async Task PayAsync(int id, DateOnly paidOn)
    {
        var application = await Load(id);
        if (application.Decision != SubsidyDecision.Approved || application.PaidOn is not null)
        {
            throw new RecordConflictException("交付決定済みで未払いの申請だけが支払えます。");
        }
        RecordRules.Require(("paidOn", "支払日", RecordRules.RecordDate(paidOn, CityClock.Today(time), enrolledFrom: application.AppliedOn, earliest: "申請日")));
        application.PaidOn = paidOn;
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// 取消 of an application not paid (entered in error, or the family withdrew it): kept, left out of every list and
    /// count; the reason in the audit. A paid one stays: its payment is the city's accounts' fact.
    /// </summary>
    public async Task WithdrawAsync(int id, string? reason)
    {
        var application = await Load(id);
        if (application.PaidOn is not null)
        {
            throw new RecordConflictException("支払済みの申請は取り消せません。");
        }
        RecordRules.Require(("reason", "取消の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        application.WithdrawnAt = time.GetUtcNow();
        scope.Audit(AuditActions.SubsidyWithdraw, null, $"subsidy:{id}", "取消", $"{application.Kind.Japanese()} {application.Decision.Japanese()}", reason: reason);
        await db.SaveChangesAsync();
    }

    async Task<SubsidyApplication> Load(int id) =>
        await (await scope.SubsidiesAsync()).SingleOrDefaultAsync(s => s.Id == id) ?? throw new RecordNotFoundException("その申請はありません。");
}
