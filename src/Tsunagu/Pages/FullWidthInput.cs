using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;
using Tsunagu.Calendar;

namespace Tsunagu.Pages;

/// <summary>
/// Numbers, dates and times typed with the Japanese input method on (１２０, ２０２４－０６－１５, １４：３０) are read as
/// their ASCII forms (NFKC), in every form, before the usual binding; a date may also be typed as staff write it
/// (2009/6/15, 平成21年6月15日, H21.6.15: <see cref="Dates"/>).
/// </summary>
public sealed class FullWidthInputBinderProvider : IModelBinderProvider
{
    static readonly Type[] Types = [typeof(int), typeof(long), typeof(decimal), typeof(DateOnly), typeof(TimeOnly)];

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        var type = context.Metadata.ModelType;
        return Types.Contains(Nullable.GetUnderlyingType(type) ?? type)
            ? new Binder(new SimpleTypeModelBinder(type, context.Services.GetRequiredService<ILoggerFactory>()))
            : null;
    }

    sealed class Binder(IModelBinder inner) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext context)
        {
            var values = context.ValueProvider.GetValue(context.ModelName);
            var isDate = (Nullable.GetUnderlyingType(context.ModelType) ?? context.ModelType) == typeof(DateOnly);
            if (values == ValueProviderResult.None || values.All(v => v is null || (v.All(char.IsAscii) && (!isDate || IsIso(v)))))
            {
                await inner.BindModelAsync(context);
                return;
            }
            var original = context.ValueProvider;
            string? Read(string? v) => v is null ? null
                : isDate && Dates.TryParse(v) is { } date ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : v.Normalize(NormalizationForm.FormKC);
            var normalized = new ValueProviderResult(values.Select(Read).ToArray(), values.Culture);
            context.ValueProvider = new Normalized(context.ModelName, normalized, original);
            try
            {
                await inner.BindModelAsync(context);
            }
            finally
            {
                context.ValueProvider = original;
            }
        }
    }

    static bool IsIso(string value) => value.Length == 0 || DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    sealed class Normalized(string key, ValueProviderResult value, IValueProvider rest) : IValueProvider
    {
        public bool ContainsPrefix(string prefix) => rest.ContainsPrefix(prefix);

        public ValueProviderResult GetValue(string name) => name == key ? value : rest.GetValue(name);
    }
}
