using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tsunagu.Data;

namespace Tsunagu.Access;

public static class AccessServices
{
    public const string MustChangePasswordClaim = "tsunagu:must-change-password";

    /// <summary>Accounts on the same database: what both the web application and `tsunagu users` need.</summary>
    public static IServiceCollection AddTsunaguAccounts(this IServiceCollection services)
    {
        services.AddIdentityCore<TsunaguUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // ASVS 5.0: length and a list of common passwords, no composition rules (they make passwords
                // predictable, not strong).
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<TsunaguDb>()
            .AddUserStore<TsunaguUserStore>()
            .AddSignInManager()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddClaimsPrincipalFactory<TsunaguClaimsFactory>();
        services.AddOptions<SecuritySettings>().BindConfiguration("Security");
        // One key ring for the server and the command line, the configured one (Keys.KeyRing): it protects cookies and
        // authenticator keys (TsunaguUserStore) and seals the records' free text.
        // ASP.NET Core adds its own Data Protection services (here and again for antiforgery); they are pointed at the
        // ring's: its protector, and its key manager, which the host's start-up reading of the keys then uses —
        // instead of reading, or making, a ring in the account's profile.
        services.AddDataProtection();
        services.AddSingleton<IDataProtectionProvider>(sp => sp.GetRequiredService<Keys.KeyRing>().Protection);
        services.AddSingleton<IKeyManager>(sp => sp.GetRequiredService<Keys.KeyRing>().Manager);
        services.AddScoped<AccountAdmin>().AddScoped<PasswordSignIn>();
        return services;
    }

    /// <summary>The idle sign-out: a session unused this long ends (the pages warn before it: wwwroot/js/records.js).</summary>
    public const int IdleMinutes = 30;

    /// <summary>Cookie sign-in with a sliding 30-minute session; API requests get 401/403, never a redirect.</summary>
    public static IServiceCollection AddTsunaguSignIn(this IServiceCollection services)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromMinutes(IdleMinutes);
            o.SlidingExpiration = true;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
        });
        // Sessions live in the database; the cookie carries only a session's key.
        services.AddSingleton<DatabaseTicketStore>();
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore>((o, store) => o.SessionStore = store);
        // A role change or a password reset reaches a signed-in session within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorization(o =>
        {
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            o.AddPolicy(Policies.Read, p => p.RequireRole(Roles.Reports));
            o.AddPolicy(Policies.Records, p => p.RequireRole(Roles.Records));
            o.AddPolicy(Policies.Audit, p => p.RequireRole(Roles.Auditor));
            o.AddPolicy(Policies.Edit, p => p.RequireRole(Roles.Planner));
            o.AddPolicy(Policies.Administer, p => p.RequireRole(Roles.Admin));
            o.AddPolicy(Policies.Approve, p => p.RequireRole(Roles.Admin, Roles.Manager));
        });
        return services;
    }

    public static bool IsApi(this HttpRequest request) => request.Path.StartsWithSegments("/api");

    static Task Deny(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (status == StatusCodes.Status403Forbidden)
        {
            // A security event: who was refused what (the route holds ids at most; names never stand in a URL).
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Security").LogWarning(
                "Access denied: {Account} {Method} {Path} from {Address}", context.HttpContext.User.Identity?.Name, context.Request.Method,
                context.Request.Path.Value, context.HttpContext.Connection.RemoteIpAddress?.ToString());
        }
        if (context.Request.IsApi())
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        if (status == StatusCodes.Status401Unauthorized && !HttpMethods.IsGet(context.Request.Method))
        {
            // A form posted after the session ended: back to its page after signing in (whose script restores what was
            // typed), not to the form's handler replayed as a GET.
            context.Response.Redirect($"{context.Options.LoginPath}?ReturnUrl={Uri.EscapeDataString(context.Request.PathBase + context.Request.Path)}");
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Until a one-time password is changed, only the change-password page and sign-out answer; then, for a role
    /// that needs a second factor, only the authenticator set-up until one is registered. The API answers 403.
    /// </summary>
    public static IApplicationBuilder UseAccountGates(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var gate = context.User.HasClaim(MustChangePasswordClaim, "true") ? "/account/change-password"
            : context.User.HasClaim(Mfa.MustEnrolClaim, "true") ? "/account/mfa-setup"
            : null;
        if (gate is not null && !context.Request.Path.StartsWithSegments(gate) && !context.Request.Path.StartsWithSegments("/account/logout"))
        {
            if (context.Request.IsApi())
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            context.Response.Redirect(gate);
            return;
        }
        await next();
    });
}

/// <summary>The claims of a signed-in account: its roles, its 氏名, and the gates it must pass first.</summary>
public sealed class TsunaguClaimsFactory(
    UserManager<TsunaguUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, IOptions<SecuritySettings> security)
    : UserClaimsPrincipalFactory<TsunaguUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "tsunagu:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(TsunaguUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            // The page header greets staff by 氏名, as the records name them (renewed at each sign-in).
            identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        }
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(AccessServices.MustChangePasswordClaim, "true"));
        }
        if (!user.TwoFactorEnabled && Mfa.IsRequired(identity, security.Value))
        {
            identity.AddClaim(new Claim(Mfa.MustEnrolClaim, "true"));
        }
        return identity;
    }
}
