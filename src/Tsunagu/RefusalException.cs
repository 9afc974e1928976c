using Tsunagu.Access;

namespace Tsunagu;

/// <summary>Why a request was refused: what the API answers (404, 403, 400, 409), what the form and the CLI say.</summary>
public enum RefusalKind
{
    /// <summary>Not there, or not in the user's scope: the two are not told apart (404).</summary>
    NotFound,

    /// <summary>There and known to the user, but not theirs to change (403).</summary>
    Forbidden,

    /// <summary>A value the rules do not allow (400), by field where there is one.</summary>
    Invalid,

    /// <summary>A change the thing's present state no longer allows: already decided, already published (409).</summary>
    Conflict,

    /// <summary>A change based on a version that is no longer the current one: someone changed it since (412).</summary>
    Stale,
}

/// <summary>
/// A refusal the person who asked can act on; the message is Japanese and for them, and never repeats a name, a note
/// or a birth date. Mapped once for each way in: problem details for the API (<see cref="RefusalHandler"/>), the
/// message by the field for pages (<see cref="Pages.TsunaguPageModel"/>), the message and exit code 1 for the CLI
/// (<see cref="Cli.WithDatabaseAsync"/>). Anything else thrown is a fault: 500, the error page, a stack trace.
/// </summary>
public class RefusalException(RefusalKind kind, string message, string? field = null) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;

    /// <summary>The field refused, as the API names it and the form's field id; null when the refusal is not about one.</summary>
    public string? Field { get; } = field;

    /// <summary>The problem's title in the API, where a feature names its kind of refusal.</summary>
    public virtual string? Title => Kind == RefusalKind.Invalid ? "入力を確かめてください。" : null;
}

/// <summary>The API's answer to a <see cref="RefusalException"/>: problem details (RFC 9457), a 400 naming the field.</summary>
public sealed class RefusalHandler(ILogger<RefusalHandler> logger) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.IsApi())
        {
            return false;
        }
        if (Data.DatabaseFault.Describe(exception) is { } fault)
        {
            // Not a refusal, but the caller's answer all the same: try again later, and why. Handled here, the fault
            // would go unlogged: the operators need it with its stack trace.
            logger.LogError(exception, "The database failed an API request: {Fault}", fault);
            await TypedResults.Problem(fault, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(httpContext);
            return true;
        }
        if (exception is not RefusalException refusal)
        {
            return false;
        }
        IResult result = refusal switch
        {
            { Kind: RefusalKind.Invalid, Field: { } field } =>
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [refusal.Message] }, title: refusal.Title),
            _ => TypedResults.Problem(refusal.Message, title: refusal.Title, statusCode: StatusOf(refusal.Kind)),
        };
        await result.ExecuteAsync(httpContext);
        return true;
    }

    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Stale => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status400BadRequest,
    };
}
