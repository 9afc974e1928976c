using System.Text;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;

namespace Tsunagu.Pages;

/// <summary>
/// Numbers, dates and times typed with the Japanese input method on (１２０, ２０２４－０６－１５, １４：３０) are read as
/// their ASCII forms (NFKC), in every form, before the usual binding.
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
            if (values == ValueProviderResult.None || values.All(v => v is null || v.All(char.IsAscii)))
            {
                await inner.BindModelAsync(context);
                return;
            }
            var original = context.ValueProvider;
            var normalized = new ValueProviderResult(values.Select(v => v?.Normalize(NormalizationForm.FormKC)).ToArray(), values.Culture);
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

    sealed class Normalized(string key, ValueProviderResult value, IValueProvider rest) : IValueProvider
    {
        public bool ContainsPrefix(string prefix) => rest.ContainsPrefix(prefix);

        public ValueProviderResult GetValue(string name) => name == key ? value : rest.GetValue(name);
    }
}
