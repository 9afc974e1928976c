using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tsunagu.Data;

namespace Tsunagu.Keys;

/// <summary>
/// The free text that carries what a person disclosed — contact notes and their earlier wordings, referral reasons and
/// decisions, plan texts — and attachments' names and files, sealed with the key ring (authenticated encryption,
/// AES-256-CBC with HMAC-SHA256) before it reaches the database or the disk. A column is marked in its entity's
/// mapping (<see cref="IsSealed{T}"/>), and the model seals and opens it wherever EF reads or writes it; the imports'
/// bulk writers seal through the same place (<see cref="Seal(KeyRing?, string)"/>). Sealed text cannot be searched
/// or compared in SQL; names, readings and dates stay clear so that people can be found (decision 0018).
/// </summary>
public static class SealedText
{
    const string Annotation = "Tsunagu:Sealed";

    /// <summary>Data Protection's payloads start with its magic header, 09 F0 C9 F0, which is "CfDJ8" in base64url.</summary>
    public const string Marker = "CfDJ8";

    static readonly byte[] FileMarker = [0x09, 0xF0, 0xC9, 0xF0];

    /// <summary>Marks a text column to be sealed.</summary>
    public static PropertyBuilder<T> IsSealed<T>(this PropertyBuilder<T> property) => property.HasAnnotation(Annotation, true);

    /// <summary>The sealed columns of the model, each with its converter.</summary>
    public static IEnumerable<IProperty> Properties(IModel model) =>
        model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties()).Where(p => p.FindAnnotation(Annotation) is not null);

    /// <summary>Gives every marked column the converter for this context's ring (none: it refuses to seal or open).</summary>
    public static void Apply(ModelBuilder builder, KeyRing? keys)
    {
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties()).Where(p => p.FindAnnotation(Annotation) is not null))
        {
            property.SetValueConverter(new ValueConverter<string, string>(text => Seal(keys, text), stored => Open(keys, stored)));
        }
    }

    public static string Seal(KeyRing? keys, string text) => Ring(keys).Sealer.Protect(text);

    /// <summary>The text; a value without the marker was written before sealing began (0.14) and is read as it is.</summary>
    public static string Open(KeyRing? keys, string stored)
    {
        if (!stored.StartsWith(Marker, StringComparison.Ordinal))
        {
            return stored;
        }
        try
        {
            return Ring(keys).Sealer.Unprotect(stored);
        }
        catch (CryptographicException e)
        {
            throw new KeyRingException(keys!, e);
        }
    }

    public static byte[] Seal(KeyRing keys, byte[] content) => keys.Sealer.Protect(content);

    /// <summary>Whether a file's content is sealed (a PDF, JPEG or PNG starts otherwise).</summary>
    public static bool IsSealed(byte[] stored) => stored.AsSpan().StartsWith(FileMarker);

    /// <summary>A file's content; one stored before sealing began (a PDF, JPEG or PNG as it came) is read as it is.</summary>
    public static byte[] Open(KeyRing keys, byte[] stored)
    {
        if (!IsSealed(stored))
        {
            return stored;
        }
        try
        {
            return keys.Sealer.Unprotect(stored);
        }
        catch (CryptographicException e)
        {
            throw new KeyRingException(keys, e);
        }
    }

    /// <summary>
    /// A new private file (0600, <see cref="PrivateFiles"/>) holding <paramref name="content"/> sealed: the words never
    /// touch the disk in clear. Removed again if writing it fails.
    /// </summary>
    public static async Task WriteFileAsync(KeyRing keys, string path, byte[] content, CancellationToken ct)
    {
        var sealedContent = Seal(keys, content);
        await using var file = PrivateFiles.Create(path);
        try
        {
            await file.WriteAsync(sealedContent, ct);
        }
        catch
        {
            await file.DisposeAsync();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>A file's content as it was written (<see cref="WriteFileAsync"/>); one written before sealing began, as it lies.</summary>
    public static async Task<byte[]> ReadFileAsync(KeyRing keys, string path, CancellationToken ct) =>
        Open(keys, await File.ReadAllBytesAsync(path, ct));

    static KeyRing Ring(KeyRing? keys) =>
        keys ?? throw new InvalidOperationException("This context was made without a key ring; sealed text can be neither written nor read through it.");

    /// <summary>
    /// Seals every sealed column's values again under the ring's current key (after <c>keys rotate</c>, so an old key
    /// can be retired), or only the values still in clear (<paramref name="clearOnly"/>: after the upgrade to 0.14). In
    /// batches of their own; a value changed meanwhile by someone's correction is left as they wrote it.
    /// </summary>
    public static async Task<List<(string Table, string Column, int Count)>> ResealAsync(TsunaguDb db, bool clearOnly, CancellationToken ct)
    {
        var done = new List<(string, string, int)>();
        var keys = Ring(db.Keys);
        foreach (var property in Properties(db.Model))
        {
            var table = property.DeclaringType.GetTableName()!;
            var id = property.DeclaringType.ContainingEntityType.FindPrimaryKey()!.Properties.Single();
            var store = StoreObjectIdentifier.Table(table);
            var (idColumn, column) = (id.GetColumnName(store)!, property.GetColumnName(store)!);
            var count = 0;
            long after = long.MinValue;
            var filter = clearOnly ? $"""AND substr("{column}", 1, 5) <> '{Marker}'""" : "";
            // Names from the model, values as parameters.
            var select = $$"""SELECT CAST("{{idColumn}}" AS bigint) AS "Id", "{{column}}" AS "Stored" FROM "{{table}}" WHERE "{{column}}" IS NOT NULL {{filter}} AND "{{idColumn}}" > {0} ORDER BY "{{idColumn}}" LIMIT 500""";
            var update = $$"""UPDATE "{{table}}" SET "{{column}}" = {0} WHERE "{{idColumn}}" = {1} AND "{{column}}" = {2}""";
            while (true)
            {
                var batch = new List<(long Id, string Stored)>();
                await foreach (var row in db.Database.SqlQueryRaw<StoredValue>(select, after)
                                   .AsAsyncEnumerable().WithCancellation(ct))
                {
                    batch.Add((row.Id, row.Stored));
                }
                if (batch.Count == 0)
                {
                    break;
                }
                await using (var transaction = await db.Database.BeginTransactionAsync(ct))
                {
                    foreach (var (rowId, stored) in batch)
                    {
                        var sealedAgain = Seal(keys, Open(keys, stored));
                        count += await db.Database.ExecuteSqlRawAsync(update, [sealedAgain, rowId, stored], ct);
                    }
                    await transaction.CommitAsync(ct);
                }
                after = batch[^1].Id;
            }
            done.Add((table, column, count));
        }
        return done;
    }

    sealed class StoredValue
    {
        public long Id { get; set; }
        public string Stored { get; set; } = "";
    }
}

/// <summary>Sealed text whose key is not in the ring: the wrong folder or certificate, or a ring not restored.</summary>
public sealed class KeyRingException(KeyRing keys, Exception inner)
    : Exception("The key that sealed this text is not in the key ring.", inner)
{
    public string Where { get; } = keys.Where;
}

/// <summary>Carries a context's key ring into it through its options, and keeps one EF model per ring (its converters hold the ring).</summary>
public sealed class KeyRingOptionsExtension(KeyRing? keys) : IDbContextOptionsExtension
{
    public KeyRing? Keys { get; } = keys;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    sealed class ExtensionInfo(KeyRingOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "KeyRing ";

        // The ring changes the model, not EF's internal services: every ring shares them.
        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Tsunagu:KeyRing"] = "1";
    }
}

/// <summary>EF caches a model per context type; a model here also belongs to one key ring (<see cref="KeyRing.Open"/> gives one per place).</summary>
public sealed class KeyRingModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), designTime, (context as TsunaguDb)?.Keys is { } keys ? keys.Identity : "");
}
