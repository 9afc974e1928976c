using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Referrals;

/// <summary>Connecting a person to another program or an agency, and the receiving program's decision.</summary>
public sealed class ReferralService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    /// <summary>
    /// Connects a person to another program or an outside agency. Between the mayor's bureaus and the education
    /// board this is the only way a record passes, so every referral is also in the audit trail.
    /// </summary>
    public async Task<Referral> ReferAsync(int personId, int fromProgramId, int? toProgramId, string? toAgency, string reason)
    {
        await scope.EnsureProgramAsync(fromProgramId);
        if (!await db.Enrollments.AnyAsync(e => e.PersonId == personId && e.ProgramId == fromProgramId))
        {
            throw new RecordInputException("programCode", "この人はこの事業に登録されていません。");
        }
        RecordRules.Require(
            ("toProgramCode", "つなぎ先", toProgramId is null == string.IsNullOrWhiteSpace(toAgency) ? "事業か外部の機関のどちらか一つを指定してください。" : null),
            ("toAgency", "つなぎ先の機関", RecordRules.Line(toAgency, RecordRules.TitleMax)),
            ("reason", "つなぐ理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        var from = await db.Programs.SingleAsync(p => p.Id == fromProgramId);
        var to = toProgramId is { } id ? await db.Programs.SingleOrDefaultAsync(p => p.Id == id) ?? throw new RecordInputException("toProgramCode", "つなぎ先の事業がありません。") : null;
        var referral = new Referral
        {
            PersonId = personId,
            FromProgramId = fromProgramId,
            ToProgramId = toProgramId,
            ToAgency = to is null ? toAgency : null,
            Reason = reason,
            Status = ReferralStatus.Sent,
            SentAt = time.GetUtcNow(),
            SentBy = await scope.StaffNameAsync(),
        };
        db.Referrals.Add(referral);
        scope.Audit(AuditActions.ReferralSend, from.Code, $"person:{personId}", to?.Code ?? toAgency);
        await db.SaveChangesAsync();
        return referral;
    }

    /// <summary>
    /// The sending program takes back a referral not yet answered (取り下げ: sent to the wrong program, or the family
    /// declined); kept with its status, the reason in the audit.
    /// </summary>
    public async Task WithdrawAsync(int referralId, string? reason)
    {
        var referral = await (await scope.ReferralsAsync()).Include(r => r.FromProgram).SingleOrDefaultAsync(r => r.Id == referralId)
            ?? throw new RecordNotFoundException("その依頼はありません。");
        await scope.EnsureProgramAsync(referral.FromProgramId);
        if (referral.Status != ReferralStatus.Sent)
        {
            throw new RecordConflictException($"この依頼はすでに「{referral.Status.Japanese()}」です。取り下げられるのは返事の前の依頼だけです。");
        }
        RecordRules.Require(("reason", "取り下げの理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        referral.Status = ReferralStatus.Withdrawn;
        referral.ClosedAt = time.GetUtcNow();
        scope.Audit(AuditActions.ReferralWithdraw, referral.FromProgram.Code, $"person:{referral.PersonId}", ReferralStatus.Withdrawn.Japanese(), reason: reason);
        await db.SaveChangesAsync();
    }

    /// <summary>The receiving program accepts (the person is enrolled there) or declines, with a note.</summary>
    public async Task<Referral> DecideAsync(int referralId, bool accept, string? note)
    {
        // Through the scope: a referral about someone the user does not see (閲覧制限, another office's case) is not there.
        var referral = await (await scope.ReferralsAsync()).Include(r => r.ToProgram).SingleOrDefaultAsync(r => r.Id == referralId)
            ?? throw new RecordNotFoundException("その依頼はありません。");
        if (referral.ToProgramId is not { } toProgramId)
        {
            throw new RecordConflictException("外部機関への依頼は受理できません。");
        }
        await scope.EnsureProgramAsync(toProgramId);
        if (referral.Status != ReferralStatus.Sent)
        {
            throw new RecordConflictException($"この依頼はすでに「{referral.Status.Japanese()}」です。");
        }
        RecordRules.Require(("note", "メモ", RecordRules.Note(note, RecordRules.ReasonMax)));
        var now = time.GetUtcNow();
        referral.Status = accept ? ReferralStatus.Accepted : ReferralStatus.Declined;
        referral.DecidedAt = now;
        referral.DecidedBy = await scope.StaffNameAsync();
        referral.DecisionNote = note;
        if (accept && !await db.Enrollments.AnyAsync(e => e.PersonId == referral.PersonId && e.ProgramId == toProgramId && e.Status == EnrollmentStatus.Active))
        {
            db.Enrollments.Add(new Enrollment
            {
                PersonId = referral.PersonId,
                ProgramId = toProgramId,
                From = CityClock.Today(time),
                Source = ReferralSource.OtherProgram,
                OwnerUserId = scope.UserId,
                OfficeId = await scope.OfficeInAsync(toProgramId),
            });
        }
        // The memo is the receiving worker's words about the person: it stays with the referral (sealed), out of what auditors read.
        scope.Audit(accept ? AuditActions.ReferralAccept : AuditActions.ReferralDecline, referral.ToProgram!.Code, $"person:{referral.PersonId}",
            string.IsNullOrWhiteSpace(note) ? null : "メモあり");
        await db.SaveChangesAsync();
        return referral;
    }
}
