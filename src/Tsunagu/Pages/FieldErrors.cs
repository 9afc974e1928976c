using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Tsunagu.Pages;

/// <summary>
/// A refused field's message beside it: <c>&lt;field-error for="date" /&gt;</c> renders the page's message for that
/// field (nothing when there is none) with the id its field points to.
/// </summary>
[HtmlTargetElement("field-error", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public string For { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if ((ViewContext.ViewData.Model as TsunaguPageModel)?.ErrorFor(For) is not { } message)
        {
            output.SuppressOutput();
            return;
        }
        output.TagName = "span";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", FieldInvalidTagHelper.MessageId(For));
        output.Attributes.SetAttribute("class", "field-error");
        output.Content.SetContent(message);
    }
}

/// <summary>
/// <c>error-for="date"</c> on an input, select or textarea: when the page refused that field, the control says so to
/// assistive technology (aria-invalid) and points to the message (aria-describedby, after any hint it already names).
/// </summary>
[HtmlTargetElement("input", Attributes = Name)]
[HtmlTargetElement("select", Attributes = Name)]
[HtmlTargetElement("textarea", Attributes = Name)]
public sealed class FieldInvalidTagHelper : TagHelper
{
    const string Name = "error-for";

    public static string MessageId(string field) => $"{field}-error";

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    [HtmlAttributeName(Name)]
    public string For { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if ((ViewContext.ViewData.Model as TsunaguPageModel)?.ErrorFor(For) is null)
        {
            return;
        }
        output.Attributes.SetAttribute("aria-invalid", "true");
        var hint = output.Attributes.TryGetAttribute("aria-describedby", out var existing) ? $"{existing.Value} " : "";
        output.Attributes.SetAttribute("aria-describedby", hint + MessageId(For));
    }
}
