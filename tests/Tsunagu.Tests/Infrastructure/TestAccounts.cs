using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;

namespace Tsunagu.Tests.Infrastructure;

public static class TestAccounts
{
    public const string Password = "Test-Password-123";

    /// <summary>
    /// An account made the way administrators make them, then given a known password with the one-time flag
    /// cleared, so a test can sign in straight away. The one-time flow itself has a test of its own.
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
        return email;
    }
}
