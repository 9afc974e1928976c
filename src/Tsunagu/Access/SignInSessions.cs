using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>
/// A signed-in session, kept on the server: the browser's cookie holds only its key. Ending a session is deleting
/// its row, so sign-out, "end my other sessions" and disabling a leaver's account take effect on the next request.
/// </summary>
public class UserSession
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? ClientAddress { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>The authentication ticket, serialized and protected with the application's data-protection keys.</summary>
    public required byte[] Ticket { get; set; }
}

public sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.ToTable("user_sessions");
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.ClientAddress).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(256);
        builder.HasIndex(s => s.UserId);
    }
}

/// <summary>
/// The cookie handler's session store (ITicketStore) on the database. A session older than the absolute lifetime
/// (8 hours by default) or of a disabled account is not found, whatever its cookie says.
/// </summary>
public sealed class DatabaseTicketStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, IOptions<SecuritySettings> settings, TimeProvider time)
    : ITicketStore
{
    readonly IDataProtector protector = protection.CreateProtector("Tsunagu.Sessions");

    /// <summary>The session's own key, inside its ticket, so a page can tell "this device" among the sessions.</summary>
    public const string SessionIdClaim = "tsunagu:session";

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null!, CancellationToken.None);

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => StoreAsync(ticket, null!, cancellationToken);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        var now = time.GetUtcNow();
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Mark(ticket, id);
        var session = new UserSession
        {
            Id = id,
            UserId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
            ClientAddress = httpContext?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = httpContext?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 256)] : null,
            Ticket = protector.Protect(TicketSerializer.Default.Serialize(ticket)),
        };
        db.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null!, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewAsync(key, ticket, null!, cancellationToken);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        if (await db.Set<UserSession>().SingleOrDefaultAsync(s => s.Id == key, cancellationToken) is { } session)
        {
            // A principal replaced by the security-stamp check comes without the session's key.
            Mark(ticket, key);
            session.Ticket = protector.Protect(TicketSerializer.Default.Serialize(ticket));
            session.ExpiresAt = ticket.Properties.ExpiresUtc;
            session.LastSeenAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    static void Mark(AuthenticationTicket ticket, string key)
    {
        if (ticket.Principal.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionIdClaim))
        {
            identity.AddClaim(new Claim(SessionIdClaim, key));
        }
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null!, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null!, cancellationToken);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        var found = await db.Set<UserSession>().AsNoTracking()
            .Where(s => s.Id == key)
            .Select(s => new { Session = s, Disabled = db.Users.Where(u => u.Id == s.UserId).Select(u => u.Disabled).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null)
        {
            return null;
        }
        if (found.Disabled || found.Session.CreatedAt + settings.Value.AbsoluteSessionLifetime <= now || found.Session.ExpiresAt <= now)
        {
            await db.Set<UserSession>().Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken);
            return null;
        }
        try
        {
            return TicketSerializer.Default.Deserialize(protector.Unprotect(found.Session.Ticket));
        }
        catch (CryptographicException)
        {
            // Keys replaced since the session began: the session is over.
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null!, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null!, cancellationToken);

    public async Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TsunaguDb>().Set<UserSession>().Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken);
    }
}
