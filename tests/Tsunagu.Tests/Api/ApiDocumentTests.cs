using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Api;

/// <summary>
/// The API's published document (/api/v1/openapi.json) as a client's tools read it: Redocly's linter, every answer of
/// every GET route to every role checked against it, and a TypeScript client generated from it (openapi-typescript)
/// compiled against the answers recorded — so the document cannot drift from what the API says.
/// </summary>
public class ApiDocumentTests
{
    static async Task<string> DocumentAsync(WebClient client) => await client.Http.GetStringAsync("/api/v1/openapi.json");

    [Fact]
    public async Task TheDocument_PassesRedoclysRecommendedRules_WithNoErrorAndNoWarning()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));
        using var files = new TempFolder();
        var path = files.File("openapi.json");
        await File.WriteAllTextAsync(path, await DocumentAsync(viewer));

        var lint = await NodeTools.RunAsync("redocly", files.Path, "lint", "--extends", "recommended", "--format", "json", path);

        using var report = JsonDocument.Parse(lint.Out);
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} " +
                $"at {string.Join(" ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()))}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(0, lint.ExitCode);
    }

    /// <summary>A value for each path parameter of a GET route, in the small city of <see cref="RecordsWorld"/>.</summary>
    static string Fill(string path, RecordsWorld world) => path
        .Replace("/enrollments/{id}", $"/enrollments/{world.AliceEnrollment}")
        .Replace("{year}", "2024").Replace("{code}", "P001").Replace("{format}", "csv")
        .Replace("{id}", world.Alice.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task EveryGetRoute_AnswersEveryRole_AsTheDocumentSays_AndATypeScriptClientOfTheDocumentCompilesAgainstTheAnswers()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        // A session, a referral, a subsidy, an outcome and a distribution, so that their lists have an item to check.
        Assert.Equal(HttpStatusCode.Created, (await caseworker.Http.PostAsJsonAsync("/api/v1/sessions",
            new { programCode = "P001", kind = "StudySession", date = "2024-06-15", title = "学習会", headCount = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/referrals",
            new { fromProgramCode = "P001", toProgramCode = "P008", reason = "家計の相談" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies",
            new { programCode = "P001", kind = "MockExamJh3", appliedOn = "2024-06-10", amount = 5000 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/outcomes",
            new { programCode = "P001", fiscalYear = 2024, kind = "EnteredHighSchool", course = "全日制" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await caseworker.Http.PostAsJsonAsync("/api/v1/distributions",
            new { programCode = "P001", date = "2024-06-18", item = "しおり", facility = "青葉区役所", copies = 30 })).StatusCode);
        var text = await DocumentAsync(caseworker);
        var document = JsonNode.Parse(text)!.AsObject();
        // The components as a schema's $defs: each answer is checked by plain JSON Schema 2020-12 (what OpenAPI 3.1 uses).
        var definitions = document["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        JsonSchema SchemaOf(JsonNode schema) => JsonSchema.FromText(
            $"{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$defs\": {definitions}, \"allOf\": [{schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal)}]}}",
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        var routes = document["paths"]!.AsObject().Where(p => p.Value!["get"] is not null).Select(p => p.Key).ToList();
        var recorded = new List<(string Path, string Body)>();
        var problems = new List<string>();
        var answered = routes.ToDictionary(r => r, _ => 0);
        foreach (var (user, _) in world.Users)
        {
            var client = await world.SignInAsync(user);
            foreach (var route in routes)
            {
                var response = await client.Http.GetAsync(Fill(route, world));
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var documented = document["paths"]![route]!["get"]!["responses"]!.AsObject();
                if (documented[status] is not { } answer)
                {
                    problems.Add($"{user} GET {route}: {status}, which the document does not list");
                    continue;
                }
                var type = response.Content.Headers.ContentType?.MediaType ?? "";
                if (answer["content"]?[type]?["schema"] is not { } schema)
                {
                    problems.Add($"{user} GET {route}: {status} as {type}, which the document does not list");
                    continue;
                }
                if (status == "200")
                {
                    answered[route]++;
                }
                if (!type.EndsWith("json", StringComparison.Ordinal))
                {
                    continue;
                }
                var body = await response.Content.ReadAsStringAsync();
                using var json = JsonDocument.Parse(body);
                var result = SchemaOf(schema).Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (!result.IsValid)
                {
                    problems.Add($"{user} GET {route} ({status}): " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}")).Take(5)));
                }
                if (status == "200" && !recorded.Any(r => r.Path == route))
                {
                    recorded.Add((route, body));
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The check itself refuses a wrong answer: a year as a string, a status outside the enumeration, a field missing.
        var reports = document["paths"]!["/api/v1/reports"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        using (var wrong = JsonDocument.Parse("""[{"fiscalYear": "2024", "fiscalYearLabel": "令和6年度", "title": null, "status": "draft"}]"""))
        {
            Assert.False(SchemaOf(reports).Evaluate(wrong.RootElement, EvaluationOptions.Default).IsValid);
        }
        // Every route answered someone with its data: none was only ever refused.
        Assert.All(answered, a => Assert.True(a.Value > 0, $"GET {a.Key} answered nobody 200"));
        Assert.True(routes.Count >= 11, $"{routes.Count} GET routes");

        // The client a TypeScript developer would generate, and the answers as values of its types: tsc refuses a
        // missing field, an extra one, a string for a number or a name outside an enumeration.
        using var files = new TempFolder();
        await File.WriteAllTextAsync(files.File("openapi.json"), text);
        var generated = await NodeTools.RunAsync("openapi-typescript", files.Path, "openapi.json", "--output", "client.ts");
        Assert.True(generated.ExitCode == 0, generated.Error);
        var values = new StringBuilder("""
            import type { paths } from "./client";
            type Ok<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { "application/json": infer T } } } } } ? T : never;

            """);
        foreach (var ((path, body), i) in recorded.Select((r, i) => (r, i)))
        {
            values.Append("export const answer").Append(i).Append(": Ok<\"").Append(path).Append("\"> = ").Append(body).AppendLine(";");
        }
        await File.WriteAllTextAsync(files.File("answers.ts"), values.ToString());
        var compiled = await NodeTools.RunAsync("tsc", files.Path, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
            "--moduleResolution", "nodenext", "--skipLibCheck", "answers.ts");
        Assert.True(compiled.ExitCode == 0, compiled.Out + compiled.Error);
        // And the compiler refuses the wrong answer above, for each of its faults.
        await File.WriteAllTextAsync(files.File("wrong.ts"), values.ToString().Split("export")[0] +
            """export const wrong: Ok<"/api/v1/reports"> = [{ fiscalYear: "2024", fiscalYearLabel: "令和6年度", title: null, status: "draft", extra: 1 }];""");
        var refused = await NodeTools.RunAsync("tsc", files.Path, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
            "--moduleResolution", "nodenext", "--skipLibCheck", "wrong.ts");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error TS2322", refused.Out);
        Assert.True(recorded.Count >= 10, $"{recorded.Count} answers recorded");
    }
}
