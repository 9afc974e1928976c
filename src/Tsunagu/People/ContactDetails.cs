using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.People;

/// <summary>A way the city may reach a household, when it agreed to it (連絡・お知らせの方法).</summary>
public enum ReachChannel
{
    Phone = 0, // 電話
    Paper = 1, // 郵送
    Email = 2, // メール
    Line = 3,  // LINE
    Sms = 4,   // SMS
}

/// <summary>
/// A household's consent to be reached by one channel: given on a day, recorded by a worker (at the counter or by
/// telephone), withdrawn on a day. Kept when withdrawn, so that the question "did they agree, and when" has an answer.
/// </summary>
public class ReachConsent
{
    public int Id { get; set; }
    public int HouseholdId { get; set; }
    public Household? Household { get; set; }
    public ReachChannel Channel { get; set; }
    public DateOnly GivenOn { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public DateOnly? WithdrawnOn { get; set; }
    public string? WithdrawnBy { get; set; }

    /// <summary>
    /// For LINE, the user id the city's official account received when the family added it (U and 32 hex digits), as
    /// its LINE console shows it: the address a push message goes to. Null for the other channels, whose addresses are
    /// the person's and the household's.
    /// </summary>
    public string? LineUserId { get; set; }
}

public sealed class ReachConsentConfiguration : IEntityTypeConfiguration<ReachConsent>
{
    public void Configure(EntityTypeBuilder<ReachConsent> builder)
    {
        builder.ToTable("reach_consents");
        builder.HasIndex(c => new { c.HouseholdId, c.Channel });
        builder.HasOne(c => c.Household).WithMany().HasForeignKey(c => c.HouseholdId);
    }
}

/// <summary>連絡先 as typed on the form: the person's telephone and e-mail, the household's postal code and address.</summary>
public sealed record ContactDetailsInput(string? Phone, string? Email, string? PostalCode, string? Address, int PersonVersion, int HouseholdVersion);

/// <summary>
/// How contact details are written and searched. Telephone numbers and addresses are typed in every width and with
/// every kind of dash; the search keys fold them so that 090-1234-5678, ０９０１２３４５６７８ and (090)1234-5678 are one number.
/// </summary>
public static partial class ContactDetailsRules
{
    public const int AddressMax = 200;
    public const int EmailMax = 254;

    /// <summary>The digits of a telephone number (+81 read as the leading 0); null when nothing was typed.</summary>
    public static string? PhoneKey(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }
        var text = phone.Normalize(NormalizationForm.FormKC).Trim();
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        return text.StartsWith('+') && digits.StartsWith("81", StringComparison.Ordinal) ? "0" + digits[2..] : digits;
    }

    public static string? Phone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }
        var text = phone.Normalize(NormalizationForm.FormKC).Trim();
        var key = PhoneKey(text)!;
        return text.Length > 20 || text.Any(c => !char.IsAsciiDigit(c) && c is not ('-' or ' ' or '(' or ')' or '+' or '‐' or '−'))
            || key.Length is < 10 or > 11 || key[0] != '0'
            ? "0から始まる10桁か11桁の番号を入力してください（ハイフンは入れても入れなくてもかまいません）。"
            : null;
    }

    /// <summary>A postal code as 980-0811, from 9800811, ９８０－０８１１ or 〒980-0811; null when nothing was typed.</summary>
    public static string? PostalCodeText(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        var digits = new string(code.Normalize(NormalizationForm.FormKC).Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 7 ? $"{digits[..3]}-{digits[3..]}" : null;
    }

    public static string? PostalCode(string? code) =>
        string.IsNullOrWhiteSpace(code) || PostalCodeText(code) is not null && PostalCodeShape().IsMatch(code.Normalize(NormalizationForm.FormKC).Trim())
            ? null : "7桁の数字で入力してください（例 980-0811）。";

    public static string? Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        var text = email.Normalize(NormalizationForm.FormKC).Trim();
        return text.Length > EmailMax ? $"{EmailMax}文字までです。"
            : System.Net.Mail.MailAddress.TryCreate(text, out var address) && address.Address == text && address.Host.Contains('.') ? null
            : "メールアドレスとして読めません（例 name@example.jp）。";
    }

    /// <summary>
    /// An address folded for search: full-width to half-width, spaces dropped, every dash one hyphen, 丁目・番地・番・号
    /// between numbers a hyphen — so that 一番町1丁目2番3号 and 一番町１－２－３ are found by each other.
    /// </summary>
    public static string? AddressKey(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }
        var text = string.Concat(address.Normalize(NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c)));
        text = Dashes().Replace(text, "$1-");
        text = Units().Replace(text, "$1-");
        return TrailingUnit().Replace(text, "$1");
    }

    /// <summary>A LINE user id as the Messaging API gives it: U and 32 hexadecimal digits.</summary>
    public static string? LineUserId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "LINEで送るには、市の公式アカウントの管理画面に出るユーザーIDが要ります。"
            : LineUserIdShape().IsMatch(id) ? null : "U で始まる33文字（U と16進数32桁）です。";

    [GeneratedRegex("^U[0-9a-f]{32}$")]
    private static partial Regex LineUserIdShape();

    [GeneratedRegex(@"^〒?\d{3}-?\d{4}$")]
    private static partial Regex PostalCodeShape();

    [GeneratedRegex(@"(\d)[‐‑‒–—―−ｰー\-]")]
    private static partial Regex Dashes();

    [GeneratedRegex(@"(\d)(丁目|番地の|番地|番|号)(?=\d)")]
    private static partial Regex Units();

    [GeneratedRegex(@"(\d)(番地|番|号)$")]
    private static partial Regex TrailingUnit();

    public static string Japanese(this ReachChannel channel) => channel switch
    {
        ReachChannel.Phone => "電話",
        ReachChannel.Paper => "郵送",
        ReachChannel.Email => "メール",
        ReachChannel.Line => "LINE",
        ReachChannel.Sms => "SMS",
        _ => channel.ToString(),
    };
}

/// <summary>
/// 連絡先: writing a person's telephone and e-mail and their household's address, and the household's consents to be
/// reached. Personal data under the same scope as the person; the audit names the fields changed, never their values.
/// </summary>
public sealed class ContactDetailsService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    /// <summary>
    /// The person (tracked), and whether the user may read and write the household's address and consents: not when
    /// another member is restricted and hidden from the user (<see cref="RecordScope.HouseholdsAsync"/>).
    /// </summary>
    async Task<(Person Person, bool HouseholdReadable)> FindAsync(int personId)
    {
        var person = await (await scope.PersonsAsync()).Include(p => p.Household).SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人は見られません。");
        return (person, person.HouseholdId is not { } id || await scope.MayReadHouseholdAsync(id));
    }

    /// <summary>Whether the person's household address and consents are the user's to read (see <see cref="FindAsync"/>).</summary>
    public async Task<bool> HouseholdReadableAsync(int personId) => (await FindAsync(personId)).HouseholdReadable;

    /// <summary>
    /// Saves the details as the form shows them. Where the household is not the user's to read, its fields are not on
    /// the form and are left as they are.
    /// </summary>
    public async Task UpdateAsync(int personId, ContactDetailsInput input)
    {
        var (person, readable) = await FindAsync(personId);
        RecordRules.Require(
            ("phone", "電話番号", ContactDetailsRules.Phone(input.Phone)),
            ("email", "メールアドレス", ContactDetailsRules.Email(input.Email)),
            ("postalCode", "郵便番号", readable ? ContactDetailsRules.PostalCode(input.PostalCode) : null),
            ("address", "住所", readable ? RecordRules.Line(input.Address, ContactDetailsRules.AddressMax) : null));
        // Another worker saved in between: the form shows what is stored now instead of overwriting it.
        if (person.Version != input.PersonVersion || readable && person.Household is { } h && h.Version != input.HouseholdVersion)
        {
            throw new StaleRecordException();
        }
        var changed = new List<string>();
        void Set<T>(string label, T current, T value, Action<T> set)
        {
            if (!EqualityComparer<T>.Default.Equals(current, value))
            {
                set(value);
                changed.Add(label);
            }
        }
        static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Normalize(NormalizationForm.FormKC).Trim();
        Set("電話番号", person.Phone, Clean(input.Phone), v => (person.Phone, person.PhoneKey) = (v, ContactDetailsRules.PhoneKey(v)));
        Set("メールアドレス", person.Email, Clean(input.Email), v => person.Email = v);
        if (readable)
        {
            var household = person.Household ??= new Household { CreatedAt = time.GetUtcNow() };
            Set("郵便番号", household.PostalCode, ContactDetailsRules.PostalCodeText(input.PostalCode), v => household.PostalCode = v);
            // The address is kept as typed (a 方書 like 「コーポ青葉 101」 reads as the family wrote it); the key is for search.
            Set("住所", household.Address, string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim(),
                v => (household.Address, household.AddressKey) = (v, ContactDetailsRules.AddressKey(v)));
        }
        if (changed.Count == 0)
        {
            return;
        }
        scope.Audit(AuditActions.PersonContactDetails, null, $"person:{personId}", string.Join("・", changed));
        await db.SaveChangesAsync();
    }

    /// <summary>The household's consents, withdrawn ones too; none where the household is not the user's to read.</summary>
    public async Task<List<ReachConsent>> ConsentsAsync(int personId)
    {
        var (person, readable) = await FindAsync(personId);
        return person.HouseholdId is not { } householdId || !readable ? []
            : await db.ReachConsents.AsNoTracking().Where(c => c.HouseholdId == householdId).OrderBy(c => c.Channel).ThenBy(c => c.GivenOn).ToListAsync();
    }

    /// <summary>
    /// The channels a notice could not reach since the consent was recorded (<see cref="Notices.Recipients.Undeliverable"/>):
    /// the day and what the far end answered, for the worker to check the address with the family.
    /// </summary>
    public async Task<List<(ReachChannel Channel, DateTimeOffset QueuedAt, string? Error)>> UndeliverableAsync(int personId)
    {
        var (person, readable) = await FindAsync(personId);
        if (person.HouseholdId is not { } householdId || !readable)
        {
            return [];
        }
        var failed = await Notices.Recipients.Undeliverable(db).Where(d => d.HouseholdId == householdId)
            .Select(d => new { d.Channel, d.QueuedAt, d.Error }).ToListAsync();
        return [.. failed.OrderByDescending(d => d.QueuedAt).DistinctBy(d => d.Channel).Select(d => (d.Channel, d.QueuedAt, d.Error))];
    }

    /// <summary>Records that the household agreed, on a day, to be reached by a channel; one standing consent per channel.</summary>
    public async Task ConsentAsync(int personId, ReachChannel? channel, DateOnly? givenOn, string? lineUserId = null)
    {
        var (person, readable) = await FindAsync(personId);
        RequireReadable(readable);
        lineUserId = channel == ReachChannel.Line ? lineUserId?.Normalize(NormalizationForm.FormKC).Trim() : null;
        RecordRules.Require(
            ("channel", "方法", channel is null ? "選んでください。" : RecordRules.Defined(channel.Value)),
            ("givenOn", "同意した日", givenOn is not { } day ? "入力してください。" : RecordRules.RecordDate(day, CityClock.Today(time))),
            ("lineUserId", "LINEのユーザーID", channel != ReachChannel.Line ? null : ContactDetailsRules.LineUserId(lineUserId)));
        if (person.HouseholdId is { } id && await db.ReachConsents.AnyAsync(c => c.HouseholdId == id && c.Channel == channel && c.WithdrawnOn == null))
        {
            throw new RecordConflictException($"{channel!.Value.Japanese()}の同意はすでに記録されています。");
        }
        // A person imported without a household gets one here, in the same save as the consent.
        var household = person.Household ??= new Household { CreatedAt = time.GetUtcNow() };
        db.ReachConsents.Add(new ReachConsent
        {
            Household = household,
            Channel = channel!.Value,
            GivenOn = givenOn!.Value,
            LineUserId = lineUserId,
            RecordedBy = await scope.StaffNameAsync(),
            RecordedAt = time.GetUtcNow(),
        });
        scope.Audit(AuditActions.HouseholdConsent, null, $"person:{personId}", $"{channel.Value.Japanese()} 同意 {givenOn.Value.ToString("O", CultureInfo.InvariantCulture)}");
        await db.SaveChangesAsync();
    }

    /// <summary>The household takes a consent back (撤回): from that day nothing is sent by the channel.</summary>
    public async Task WithdrawConsentAsync(int personId, int consentId, DateOnly? withdrawnOn)
    {
        var (person, readable) = await FindAsync(personId);
        RequireReadable(readable);
        var consent = await db.ReachConsents.SingleOrDefaultAsync(c => c.Id == consentId && c.HouseholdId == person.HouseholdId)
            ?? throw new RecordNotFoundException("その同意は見られません。");
        if (consent.WithdrawnOn is not null)
        {
            throw new RecordConflictException("この同意はすでに撤回されています。");
        }
        RecordRules.Require(("withdrawnOn", "撤回した日", withdrawnOn is not { } day ? "入力してください。"
            : day < consent.GivenOn ? "同意した日より前です。" : RecordRules.RecordDate(day, CityClock.Today(time))));
        (consent.WithdrawnOn, consent.WithdrawnBy) = (withdrawnOn, await scope.StaffNameAsync());
        // Notices already in the outbox for this channel are not sent (配信停止), in the same save.
        foreach (var waiting in await Notices.Recipients.Waiting(db).Where(d => d.HouseholdId == consent.HouseholdId && d.Channel == consent.Channel).ToListAsync())
        {
            waiting.Status = Notices.DeliveryStatus.OptedOut;
        }
        scope.Audit(AuditActions.HouseholdConsentWithdraw, null, $"person:{personId}", $"{consent.Channel.Japanese()} 撤回 {withdrawnOn!.Value.ToString("O", CultureInfo.InvariantCulture)}");
        await db.SaveChangesAsync();
    }

    static void RequireReadable(bool readable)
    {
        if (!readable)
        {
            throw new RecordAccessException("世帯に閲覧制限のある人がいるため、世帯の連絡方法は、その人を見られる職員が扱います。");
        }
    }
}
