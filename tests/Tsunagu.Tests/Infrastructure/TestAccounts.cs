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

    public static string KeyOf(string email) => AuthenticatorKeys[email];

    public static void RememberAuthenticator(string email, string key) => AuthenticatorKeys[email] = key;

    /// <summary>The code the account's authenticator app shows now: RFC 6238, computed independently of Identity.</summary>
    public static string Code(string email) => CodeFor(AuthenticatorKeys[email]);

    static readonly ConcurrentDictionary<string, long> LastStep = new();

    /// <summary>
    /// A code Tsunagu has not accepted before: each is good once (see SingleUseAuthenticatorTokenProvider), so a test
    /// that signs the same account in twice within 30 seconds gets the next step's code, as a phone shows it a moment
    /// later; a third waits for the clock.
    /// </summary>
    public static string CodeFor(string key)
    {
        lock (LastStep)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            var step = Math.Max(now, LastStep.GetValueOrDefault(key) + 1);
            if (step > now + 1)
            {
                Thread.Sleep(TimeSpan.FromSeconds((step - 1) * 30 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
            }
            LastStep[key] = step;
            return new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);
        }
    }

    /// <summary>The code of the step just used again: what a replay sends.</summary>
    public static string LastCodeFor(string key) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(LastStep[key] * 30).UtcDateTime);
}
