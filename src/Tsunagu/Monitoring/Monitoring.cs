using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Events;

namespace Tsunagu.Monitoring;

/// <summary>
/// What the city's monitoring reads: metrics in Prometheus's text format on a port of their own
/// (<c>Metrics:Port</c>), and log files rotated by day and size (<c>Logging:File:Path</c>). Under systemd the console
/// goes to the journal as well; on Windows the host writes warnings to the Event Log. Decision 0020.
/// </summary>
public static class Monitoring
{
    /// <summary>ASP.NET Core's, Kestrel's, the rate limiter's, Npgsql's, the runtime's and Tsunagu's own meters.</summary>
    static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication", "Npgsql", "System.Runtime", TsunaguMetrics.MeterName,
    ];

    /// <summary>The port /metrics answers on, or null (no metrics served). Listening on it is the host's `--urls`.</summary>
    public static int? MetricsPort(IConfiguration configuration) => configuration["Metrics:Port"] is { Length: > 0 } text
        ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new RefusalException(RefusalKind.Invalid, $"Metrics:Port はポート番号（1〜65535）で指定してください（指定値: {text}）。")
        : null;

    public static WebApplicationBuilder AddTsunaguMonitoring(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TsunaguMetrics>();
        if (MetricsPort(builder.Configuration) is not null)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Meters).AddPrometheusExporter());
        }
        AddLogFiles(builder.Logging, builder.Configuration);
        return builder;
    }

    /// <summary>
    /// /metrics on the monitoring port only, before anything else (no sign-in: the port is for the monitoring server,
    /// which the firewall lets reach it). The port is the connection's own, not the Host header a client may write.
    /// </summary>
    public static void UseTsunaguMetrics(this WebApplication app)
    {
        if (MetricsPort(app.Configuration) is { } port)
        {
            // Its instruments exist from the start, not from the first import that asks for them.
            app.Services.GetRequiredService<TsunaguMetrics>();
            app.UseOpenTelemetryPrometheusScrapingEndpoint(c => c.Connection.LocalPort == port && c.Request.Path == "/metrics");
            // Nothing else of Tsunagu answers on the monitoring port.
            app.MapWhen(c => c.Connection.LocalPort == port, other => other.Run(c =>
            {
                c.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        }
    }

    /// <summary>
    /// Log files, when <c>Logging:File:Path</c> names one (e.g. /var/log/tsunagu/tsunagu-.log): a file a day, a new one
    /// past <c>Logging:File:MaxMegabytes</c> (default 100), the last <c>Logging:File:KeepFiles</c> kept (default 90),
    /// at the levels of <c>Logging:LogLevel</c> like every other log. Serilog's file sink, as a provider of .NET's logging.
    /// </summary>
    public static void AddLogFiles(ILoggingBuilder logging, IConfiguration configuration)
    {
        if (configuration["Logging:File:Path"] is not { Length: > 0 } path)
        {
            return;
        }
        var megabytes = configuration.GetValue<int?>("Logging:File:MaxMegabytes") ?? 100;
        var keep = configuration.GetValue<int?>("Logging:File:KeepFiles") ?? 90;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(Path.GetFullPath(path), rollingInterval: RollingInterval.Day, fileSizeLimitBytes: megabytes * 1024L * 1024, rollOnFileSizeLimit: true,
                retainedFileCountLimit: keep, formatProvider: System.Globalization.CultureInfo.InvariantCulture, outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                restrictedToMinimumLevel: LogEventLevel.Verbose)
            .CreateLogger();
        logging.AddSerilog(logger, dispose: true);
    }
}
