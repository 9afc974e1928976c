using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Access;

/// <summary>Security events reach the log as structured events: who, what, from where — never a person's name.</summary>
public class SecurityEventsTests
{
    /// <summary>Keeps every log event of the run, as a log shipper would receive them.</summary>
    sealed class Collected : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Events { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void Dispose()
        {
        }

        sealed class Logger(string category, Collected sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Events.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task SignInsLockoutsRefusalsAndAccessChanges_AreLogged_WithoutPersonsData()
    {
        var events = new Collected();
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite, new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILoggerProvider>(events));
        var viewerEmail = world.Users["viewer"];
        var wrong = new Tsunagu.Tests.Web.WebClient(world.Factory.CreateClient(new() { AllowAutoRedirect = false }));
        await wrong.SubmitAsync("/account/login", "form", new() { ["Email"] = viewerEmail, ["Password"] = "wrong-password-1" });
        var viewer = await world.SignInAsync("viewer");
        var refused = await viewer.Http.GetAsync("/api/v1/people/" + world.Alice);
        var admin = await world.SignInAsync("admin");
        await admin.SubmitAsync("/users", $"form[action$='handler=role']:has(input[value='{viewerEmail}'])", new() { ["role"] = "planner" });

        var log = events.Events.ToList();
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(log, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"Sign-in failed for {viewerEmail} from ", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Message.StartsWith($"Signed in: {viewerEmail} from ", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Category == "Tsunagu.Security" && e.Message.StartsWith($"Access denied: {viewerEmail} GET /api/v1/people/{world.Alice}", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Message.StartsWith($"Account change account.role of {viewerEmail} by {world.Users["admin"]}", StringComparison.Ordinal));
        Assert.DoesNotContain(log, e => e.Message.Contains("𠮷子") || e.Message.Contains("花子") || e.Message.Contains("2009-06-15"));
    }
}
