using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Tsunagu.Data;

namespace Tsunagu.Keys;

/// <summary>Where the key ring's keys are kept (<c>KeyRing:Store</c>).</summary>
public enum KeyStore
{
    /// <summary>A folder on this server (<c>KeyRing:Folder</c>, default data/keys): one server, or a shared folder.</summary>
    Folder,

    /// <summary>A table of the database: several servers on one PostgreSQL. Needs a certificate (see <see cref="KeyRing.Open"/>).</summary>
    Database,
}

/// <summary>
/// ASP.NET Core Data Protection's key ring, as the city configures it: the keys that seal the records' free text
/// (<see cref="SealedText"/>) and attachments, and that protect sign-in cookies and authenticator keys. The keys are
/// kept outside the database's rows they protect — in a folder of their own, or in the database for several servers —
/// and are themselves encrypted with an X.509 certificate (<c>KeyRing:Certificate:Path</c>, <c>:Password</c>) or, on
/// Windows without one, with DPAPI under the service's account. Decision 0018.
/// </summary>
public sealed class KeyRing
{
    /// <summary>Data Protection's application name: keys made by one Tsunagu are read by every other on the ring.</summary>
    public const string ApplicationName = "Tsunagu";

    /// <summary>How long a key seals new text: Data Protection's own 90 days, after which it makes the next key itself.</summary>
    public const int KeyLifetimeDays = 90;

    /// <summary>One ring per place per process: the server, every verb and every test on the same keys share one.</summary>
    static readonly ConcurrentDictionary<string, Lazy<KeyRing>> Rings = new();

    KeyRing(string identity, string where, IServiceProvider services, bool keysProtected)
    {
        Identity = identity;
        Where = where;
        Protection = services.GetRequiredService<IDataProtectionProvider>();
        Manager = services.GetRequiredService<IKeyManager>();
        KeysProtected = keysProtected;
        Sealer = Protection.CreateProtector("Tsunagu.SealedText");
    }

    /// <summary>What distinguishes this ring from another in the process (the store and the certificate).</summary>
    public string Identity { get; }

    /// <summary>Where the keys are, for an operator's message: the folder, or the database.</summary>
    public string Where { get; }

    public IDataProtectionProvider Protection { get; }

    public IKeyManager Manager { get; }

    /// <summary>Whether the keys themselves are encrypted (a certificate or DPAPI); if not, the folder's mode is all that guards them.</summary>
    public bool KeysProtected { get; }

    /// <summary>Seals and opens the records' free text and attachments (<see cref="SealedText"/>).</summary>
    public IDataProtector Sealer { get; }

    /// <summary>
    /// The ring the configuration names, opened once per process. A store in the database without a certificate is
    /// refused: the keys would lie beside the text they seal, and a copy of the database would open it.
    /// </summary>
    public static KeyRing Open(IConfiguration configuration, DatabaseSettings database)
    {
        var section = configuration.GetSection("KeyRing");
        var storeText = section["Store"];
        var store = KeyStore.Folder;
        if (!string.IsNullOrWhiteSpace(storeText) && !Enum.TryParse(storeText, ignoreCase: true, out store))
        {
            throw new RefusalException(RefusalKind.Invalid, $"KeyRing:Store は Folder または Database を指定してください（指定値: {storeText}）。");
        }
        var certificates = Certificates(section).ToList();
        if (store == KeyStore.Database && certificates.Count == 0)
        {
            throw new RefusalException(RefusalKind.Invalid,
                "鍵リングをデータベースに置くときは、証明書（KeyRing:Certificate:Path）で鍵を保護してください。保護しないと、データベースの写しだけで記録の暗号が解けてしまいます。");
        }
        var folder = Path.GetFullPath(section["Folder"] ?? Path.Combine("data", "keys"));
        var where = store == KeyStore.Folder ? folder : "データベース（DataProtectionKeys 表）";
        var placeKey = store == KeyStore.Folder ? folder : Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database.ConnectionString)));
        var identity = $"{store}|{placeKey}|{string.Join(",", certificates.Select(c => c.Path))}";
        try
        {
            return Rings.GetOrAdd(identity, _ => new Lazy<KeyRing>(() => Build(identity, store, folder, where, certificates, database))).Value;
        }
        catch
        {
            // A refused ring is not remembered: the next attempt, after the settings or the files are put right, reads them again.
            Rings.TryRemove(identity, out _);
            throw;
        }
    }

    static KeyRing Build(string identity, KeyStore store, string folder, string where, List<CertificateFile> files, DatabaseSettings database)
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (store == KeyStore.Folder)
        {
            PrivateFiles.CreateFolder(folder, folder);
            builder.PersistKeysToFileSystem(new DirectoryInfo(folder));
        }
        else
        {
            // A context of its own, without a ring: it reads and writes the keys' table only.
            services.AddScoped(_ => (database with { Keys = null, ReadOnly = false }).NewContext());
            builder.PersistKeysToDbContext<TsunaguDb>();
        }
        var keysProtected = true;
        var certificates = files.Select(Load).ToArray();
        if (certificates.Length > 0)
        {
            builder.ProtectKeysWithCertificate(certificates[0]).UnprotectKeysWithAnyCertificate(certificates);
        }
        else if (OperatingSystem.IsWindows())
        {
            builder.ProtectKeysWithDpapi();
        }
        else
        {
            keysProtected = false;
        }
        var ring = new KeyRing(identity, where, services.BuildServiceProvider(), keysProtected);
        ring.EnsureKeysOpen();
        return ring;
    }

    /// <summary>
    /// Refuses a ring whose keys this configuration cannot open (a certificate not configured, another one, a DPAPI
    /// account that is not the service's): Data Protection would otherwise make a new key beside them, unprotected
    /// if no certificate is set, and seal new records with it while the old ones stay closed.
    /// </summary>
    void EnsureKeysOpen()
    {
        foreach (var key in Manager.GetAllKeys().Where(k => !k.IsRevoked))
        {
            try
            {
                _ = key.Descriptor;
            }
            catch (Exception)
            {
                throw new RefusalException(RefusalKind.Invalid,
                    $"鍵リング（{Where}）の鍵 {key.KeyId} を開けません。鍵を保護している証明書（KeyRing:Certificate:Path と Password、更新前の証明書は KeyRing:PreviousCertificates）を確かめてください。");
            }
        }
    }

    sealed record CertificateFile(string Path, string? Password, string Setting);

    /// <summary>The certificate that protects new keys, then earlier ones that still open older keys (after a renewal).</summary>
    static IEnumerable<CertificateFile> Certificates(IConfigurationSection section)
    {
        if (section["Certificate:Path"] is { Length: > 0 } path)
        {
            yield return new CertificateFile(path, section["Certificate:Password"], "KeyRing:Certificate:Path");
        }
        foreach (var earlier in section.GetSection("PreviousCertificates").GetChildren())
        {
            if (earlier["Path"] is { Length: > 0 } previous)
            {
                yield return new CertificateFile(previous, earlier["Password"], $"KeyRing:PreviousCertificates:{earlier.Key}:Path");
            }
        }
    }

    static X509Certificate2 Load(CertificateFile file)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file.Path, file.Password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new RefusalException(RefusalKind.Invalid,
                $"{file.Setting} の証明書 {file.Path} を読めません（ファイルの場所と権限、PFX 形式であること、パスワードを確かめてください）。");
        }
        if (!certificate.HasPrivateKey)
        {
            throw new RefusalException(RefusalKind.Invalid, $"{file.Setting} の証明書 {file.Path} に秘密鍵がありません（秘密鍵を含む PFX が必要です）。");
        }
        return certificate;
    }
}
