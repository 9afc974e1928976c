using System.Globalization;

namespace Tsunagu.Calendar;

/// <summary>
/// <c>{year:fiscalyear}</c>: a year in a page's or the API's address that a fiscal year can be (明治 to 9998, what
/// <see cref="FiscalYears"/> can name). Any other number is no such page (404), never a label that throws (500).
/// </summary>
public sealed class FiscalYearRouteConstraint : IRouteConstraint
{
    public const string Name = "fiscalyear";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
        && FiscalYears.CanName(year);
}
