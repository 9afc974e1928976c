using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Tsunagu.Reports.Files;

namespace Tsunagu.Pages;

/// <summary>
/// A page that takes uploads refuses a body over <see cref="FileLimits.MaxUploadBytes"/> with 413 (the error page
/// names the limit) before the form is read: by its Content-Length, which browsers send with a file, and by the
/// server's own body limit for a request that does not say.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UploadLimitAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var http = context.HttpContext;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = FileLimits.MaxUploadBytes;
        }
        if (http.Request.ContentLength > FileLimits.MaxUploadBytes)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
