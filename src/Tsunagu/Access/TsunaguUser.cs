using Microsoft.AspNetCore.Identity;

namespace Tsunagu.Access;

/// <summary>A member of staff who signs in. The e-mail address is the user name.</summary>
public class TsunaguUser : IdentityUser
{
    /// <summary>The name shown on records this person writes (氏名 of the member of staff).</summary>
    public string? DisplayName { get; set; }

    /// <summary>Set for a one-time password: nothing but the change-password page opens until it is changed.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A leaver's account: no sign-in, and every session it had ends at once.</summary>
    public bool Disabled { get; set; }

    /// <summary>The time step of the last authenticator code accepted: that code, and any older one, is not accepted again.</summary>
    public long? LastAuthenticatorStep { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";     // accounts
    public const string Planner = "planner"; // all reports: edit, status changes, corrections
    public const string Viewer = "viewer";   // read only
    public const string Caseworker = "caseworker"; // records of the programs they are assigned to
    public const string Manager = "manager";       // a program's manager: its records, sessions, placements
    public const string Auditor = "auditor";       // the access log and the audit trail, never a record

    public static readonly string[] All = [Admin, Planner, Viewer, Caseworker, Manager, Auditor];

    /// <summary>The roles that see annual reports and figures.</summary>
    public static readonly string[] Reports = [Admin, Planner, Viewer, Manager, Auditor];

    /// <summary>The roles that work with people's records, within their assigned programs.</summary>
    public static readonly string[] Records = [Caseworker, Manager];

    public static string Japanese(string role) => role switch
    {
        Admin => "管理者",
        Planner => "企画・評価担当",
        Viewer => "閲覧",
        Caseworker => "相談員・支援員",
        Manager => "事業担当",
        Auditor => "監査",
        _ => role,
    };
}

public static class Policies
{
    public const string Read = "read";
    public const string Edit = "edit";
    public const string Administer = "administer";
    public const string Records = "records";
    public const string Audit = "audit";
    public const string Approve = "approve";
}
