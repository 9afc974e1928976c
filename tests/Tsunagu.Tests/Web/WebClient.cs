using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Tsunagu.Tests.Web;

/// <summary>
/// Drives the pages as a browser without script would: reads a form from the page, keeps its hidden fields
/// (the antiforgery token among them) and submits it, as the official Razor Pages test sample does.
/// </summary>
public sealed class WebClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    /// <summary>Signs in with the password and, where the account has an authenticator, the code it shows now.</summary>
    public static Task<WebClient> SignInAsync(TsunaguFactory factory, string email, string password = TsunaguFactory.Password) =>
        SignInAsync(factory.CreateClient(new() { AllowAutoRedirect = false }), email, password);

    /// <summary>The same through any client: a real server or a load balancer in front of several.</summary>
    public static async Task<WebClient> SignInAsync(HttpClient http, string email, string password = TsunaguFactory.Password)
    {
        var client = new WebClient(http);
        var response = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        if (response.Headers.Location!.OriginalString.StartsWith("/account/mfa?", StringComparison.Ordinal))
        {
            response = await client.SubmitAsync(response.Headers.Location.OriginalString, "form", new() { ["Code"] = Infrastructure.TestAccounts.Code(email) });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        return client;
    }

    public async Task<IHtmlDocument> GetDocumentAsync(string url)
    {
        var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    /// <summary>An API answer that must be a 400 naming one field: its message for that field.</summary>
    public static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
    }

    /// <summary>
    /// A response as a person would read it: HTML with its character references decoded (the page writes 𠮷 as
    /// &amp;#x20BB7;), JSON as its strings unescaped (the API writes 髙 as \u9AD9). What "the body never contains a name"
    /// must be asserted against.
    /// </summary>
    public static async Task<string> ReadableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return System.Net.WebUtility.HtmlDecode(body);
        }
        var text = new System.Text.StringBuilder();
        void Walk(System.Text.Json.JsonElement e)
        {
            switch (e.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject()) { text.Append(p.Name).Append(' '); Walk(p.Value); }
                    break;
                case System.Text.Json.JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray()) { Walk(item); }
                    break;
                case System.Text.Json.JsonValueKind.String:
                    text.Append(e.GetString()).Append(' ');
                    break;
                default:
                    text.Append(e.GetRawText()).Append(' ');
                    break;
            }
        }
        using var document = System.Text.Json.JsonDocument.Parse(body);
        Walk(document.RootElement);
        return text.ToString();
    }

    /// <summary>Fills the first form matching <paramref name="selector"/> on the page and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, string selector, Dictionary<string, string> values)
    {
        var document = await GetDocumentAsync(url);
        var form = document.QuerySelectorAll(selector).OfType<IHtmlFormElement>().FirstOrDefault()
            ?? throw new InvalidOperationException($"No form '{selector}' on {url}.");
        return await SubmitAsync(form, url, values);
    }

    /// <param name="formAction">The submit button's formaction, when the button pressed has one (確認する beside 保存).</param>
    public async Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, string pageUrl, Dictionary<string, string> values, string? formAction = null) =>
        await Http.PostAsync(formAction ?? Target(form, pageUrl), new FormUrlEncodedContent(Fields(form, values)));

    /// <summary>
    /// Chooses a file in the first form matching <paramref name="selector"/> (multipart, as its enctype says) and
    /// submits it with the form's other fields as the page rendered them, <paramref name="values"/> replacing some.
    /// </summary>
    public async Task<HttpResponseMessage> UploadAsync(string url, string selector, string fileName, byte[] bytes, Dictionary<string, string>? values = null)
    {
        var document = await GetDocumentAsync(url);
        var form = document.QuerySelectorAll(selector).OfType<IHtmlFormElement>().FirstOrDefault(f => f.Enctype == "multipart/form-data")
            ?? throw new InvalidOperationException($"No file form '{selector}' on {url}.");
        var fileInput = form.Elements.OfType<IHtmlInputElement>().FirstOrDefault(i => i.Type == "file")
            ?? throw new InvalidOperationException($"The form '{selector}' on {url} has no file field.");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in Fields(form, values ?? []).Where(f => f.Key != fileInput.Name))
        {
            content.Add(new StringContent(value), name);
        }
        content.Add(new ByteArrayContent(bytes), fileInput.Name!, fileName);
        return await Http.PostAsync(Target(form, url), content);
    }

    static string Target(IHtmlFormElement form, string pageUrl) => form.GetAttribute("action") is { Length: > 0 } action ? action : pageUrl;

    /// <summary>What a browser without script sends for the form: its fields as rendered, <paramref name="values"/> replacing some.</summary>
    static List<KeyValuePair<string, string>> Fields(IHtmlFormElement form, Dictionary<string, string> values)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || values.ContainsKey(name))
            {
                continue;
            }
            var value = element switch
            {
                // As a browser does: an unticked box or radio button sends nothing; a file field is the caller's.
                IHtmlInputElement { Type: "checkbox" or "radio", IsChecked: false } or IHtmlInputElement { Type: "file" } => null,
                IHtmlInputElement input => input.Value,
                IHtmlTextAreaElement area => area.Value,
                IHtmlSelectElement select => select.Value ?? "",
                _ => null,
            };
            if (value is not null && element is not IHtmlButtonElement)
            {
                fields.Add(new(name, value));
            }
        }
        fields.AddRange(values);
        return fields;
    }
}
