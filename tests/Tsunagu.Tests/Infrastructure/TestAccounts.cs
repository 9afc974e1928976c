using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Tsunagu.Access;

namespace Tsunagu.Tests.Infrastructure;

public static class TestAccounts
{
    public const string Password = "Test-Password-123";

    static readonly ConcurrentDictionary<string, string> AuthenticatorKeys = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// An account made the way administrators make them, then given a known password with the one-time flag
    /// cleared, so a test can sign in straight away; a role that needs a second factor gets an authenticator key,
    /// kept here so a test can compute the codes as the phone would. The one-time and enrolment flows have tests
    /// of their own.
    /// </summary>
    public static async Task<string> AddAsync(IServiceProvider services, string role)
    {
        await using var scope = services.CreateAsyncScope();
        var email = $"{role}-{Guid.NewGuid():N}@city.example.jp";
        await scope.ServiceProvider.GetRequiredService<AccountAdmin>().AddAsync(email, role, "test");
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TsunaguUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, Password);
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        if (Mfa.AlwaysRequired.Contains(role))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            AuthenticatorKeys[email] = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        return email;
    }

    public static bool HasAuthenticator(string email) => AuthenticatorKeys.ContainsKey(email);

    public static void RememberAuthenticator(string email, string key) => AuthenticatorKeys[email] = key;

    /// <summary>The code the account's authenticator app shows now: RFC 6238, computed independently of Identity.</summary>
    public static string Code(string email) => CodeFor(AuthenticatorKeys[email]);

    public static string CodeFor(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp();
}
