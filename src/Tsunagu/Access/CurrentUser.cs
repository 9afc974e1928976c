using System.Security.Claims;

namespace Tsunagu.Access;

/// <summary>
/// Who is acting: the signed-in account in the web application, the operator on the command line. The services that
/// write records take this instead of the HTTP context, so every way in calls the same code.
/// </summary>
public interface ICurrentUser
{
    /// <summary>The account's id; throws when nobody is signed in (a service used outside a request is a fault).</summary>
    string UserId { get; }

    /// <summary>What the audit and the access log record: the account's e-mail address.</summary>
    string UserName { get; }

    bool IsInRole(string role);
}

/// <summary>
/// The server's operator at the command line (<c>cli:NAME</c> in the audit). Holds no role: through the scope they
/// see no person, as on the web an administrator does not.
/// </summary>
public sealed class OperatorUser(string name) : ICurrentUser
{
    public string UserId => name;

    public string UserName => name;

    public bool IsInRole(string role) => false;
}

/// <summary>The account of the request being served.</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor http) : ICurrentUser
{
    ClaimsPrincipal User => http.HttpContext?.User ?? throw new InvalidOperationException("No signed-in user.");

    public string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");

    public string UserName => User.Identity?.Name ?? UserId;

    public bool IsInRole(string role) => User.IsInRole(role);
}
