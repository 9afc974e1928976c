using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Tsunagu;

/// <summary>
/// The API's published document (/api/v1/openapi.json) says what a client meets: it signs in with the session cookie
/// the pages use; every operation has a name (its endpoint's WithName) and a summary; and every refusal the API can
/// give is there as problem details (RFC 9457) — the one rule below decides which an operation can give, from how it
/// is mapped, so a new endpoint is described the same way without a line of its own.
/// </summary>
public static class ApiDocument
{
    const string Cookie = "cookie";

    public static void Describe(OpenApiOptions options)
    {
        // An enumeration is a string of one of its names ("Draft"), as the API writes it.
        options.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Enum is { Count: > 0 } && schema.Type is null)
            {
                schema.Type = JsonSchemaType.String;
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer(DescribeAsync);
    }

    static async Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Tsunagu API";
        document.Info.Description = "市の子ども・家庭支援事業の記録と年次実績報告の API。画面と同じサインイン（Cookie）と権限で使います。" +
            "書き込みは JSON だけを受け付けます。拒否は problem details（RFC 9457）で、400 は項目ごとの理由を errors に持ちます。";
        document.Info.License = new OpenApiLicense { Name = "市の定める利用条件による（庁内利用）", Identifier = "LicenseRef-City-Internal" };
        // Relative: the document is served by the server it describes, whatever its name on the city network.
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "reports", Description = "年次実績報告（主な施策の実績表）、事業と数値。閲覧はどのロールでも、変更は企画担当と管理者。" },
            new() { Name = "records", Description = "人・支援記録・開催・紹介。担当事業の範囲だけ。読み取りはすべて記録されます。" },
        };

        var cookieName = context.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.Name ?? "tsunagu";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = cookieName,
            Description = "/account/login でサインインしたときのセッション Cookie（多要素認証を含む）。",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, document)] = [] }];

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[nameof(ProblemDetails)] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: ct);
        document.Components.Schemas[nameof(HttpValidationProblemDetails)] =
            await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), cancellationToken: ct);

        foreach (var description in context.DescriptionGroups.SelectMany(g => g.Items))
        {
            // The document's path is the route's without its constraints: {year:fiscalyear} is {year}.
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(description.RelativePath!.Split('?')[0].TrimStart('/'), @"\{([^}:=?]+)[^}]*\}", "{$1}");
            if (document.Paths.TryGetValue(path, out var item) && item.Operations is { } operations
                && operations.TryGetValue(HttpMethod.Parse(description.HttpMethod!), out var operation))
            {
                AddRefusals(document, operation, description);
            }
        }
    }

    /// <summary>
    /// The refusals an operation can give. Any: 401 (not signed in) and 403 (not the role). With a value in the path:
    /// 404 (not there, or not in the caller's scope — not told apart). With a parameter or a body: 400. With a body: 409
    /// (the state no longer allows it), 412 (an If-Match that is not the current version), 413 and 415 (JSON only).
    /// Rate-limited reads of persons: 429.
    /// </summary>
    static void AddRefusals(OpenApiDocument document, OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        var hasRouteValue = description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path);
        var statuses = new List<(int Status, string Why)> { (401, "サインインしていません。"), (403, "このロールでは使えません。") };
        if (description.ParameterDescriptions.Count > 0)
        {
            statuses.Add((400, "値が正しくありません（errors に項目ごとの理由）。"));
        }
        if (hasRouteValue)
        {
            statuses.Add((404, "ありません（担当範囲外も同じ答えです）。"));
        }
        if (hasBody)
        {
            statuses.AddRange([(409, "今の状態では受け付けられません（公表済み、決定済みなど）。"), (412, "If-Match の版が今の版ではありません。"),
                (413, "本文が大きすぎます。"), (415, "本文は application/json だけです。")]);
        }
        if (description.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            statuses.Add((429, "短い時間に多すぎます。Retry-After の秒数の後にもう一度。"));
        }
        operation.Responses ??= [];
        foreach (var (status, why) in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
            {
                continue;
            }
            var schema = status == 400 ? nameof(HttpValidationProblemDetails) : nameof(ProblemDetails);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = why,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
                },
            };
        }
    }
}
