using Microsoft.AspNetCore.Identity;

namespace Tsunagu.Access;

/// <summary>A member of staff who signs in. The e-mail address is the user name.</summary>
public class TsunaguUser : IdentityUser
{
    /// <summary>Set for a one-time password: nothing but the change-password page opens until it is changed.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";     // accounts
    public const string Planner = "planner"; // all reports: edit, status changes, corrections
    public const string Viewer = "viewer";   // read only

    public static readonly string[] All = [Admin, Planner, Viewer];

    public static string Japanese(string role) => role switch
    {
        Admin => "管理者",
        Planner => "企画・評価担当",
        Viewer => "閲覧",
        _ => role,
    };
}

public static class Policies
{
    public const string Read = "read";
    public const string Edit = "edit";
    public const string Administer = "administer";
}
