using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Contacts;
using Tsunagu.Keys;
using Tsunagu.People;

namespace Tsunagu.Attachments;

/// <summary>What a file is, as its first bytes say (never as its name or the browser says).</summary>
public enum AttachmentType
{
    Pdf = 0,
    Jpeg = 1,
    Png = 2,
}

/// <summary>
/// A scanned document kept with a person's record (申請書, 同意書 …), or with one of their contacts. The file itself lies
/// in the private attachments folder under a random name (<see cref="AttachmentStore"/>); the row says what it is.
/// Withdrawn (取消) rather than deleted: retention removes the file when the record's time is up.
/// </summary>
public class Attachment
{
    public long Id { get; set; }
    public int PersonId { get; set; }

    /// <summary>
    /// The program whose record it is (a contact's program, or the one chosen): seen only by that program's staff, as
    /// its contacts are — a school counsellor's scan is not the welfare side's to read (0005).
    /// </summary>
    public int ProgramId { get; set; }

    /// <summary>The contact it belongs to, if any: then only those who see the contact see it.</summary>
    public long? ContactId { get; set; }

    /// <summary>What the document is, in the worker's words (申請書（進学チャレンジ）, 同意書).</summary>
    public required string Title { get; set; }

    /// <summary>The name it was uploaded under, shown to those who see the record; never in an address.</summary>
    public required string FileName { get; set; }

    public AttachmentType Type { get; set; }
    public long Size { get; set; }

    /// <summary>SHA-256 of the content, hex: the file read back is the file stored.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The file's name in the attachments folder: 32 random hex digits.</summary>
    public required string StoredName { get; set; }

    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
}

public sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> builder)
    {
        builder.ToTable("attachments");
        builder.HasIndex(a => a.PersonId);
        builder.HasIndex(a => a.ContactId);
        builder.HasIndex(a => a.StoredName).IsUnique();
        builder.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId);
        builder.HasOne<Contact>().WithMany().HasForeignKey(a => a.ContactId);
        builder.HasOne<Programs.SupportProgram>().WithMany().HasForeignKey(a => a.ProgramId);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.StoredName).HasMaxLength(32);
        // What the worker called it and the name it came under often name the person or what happened (同意書_山田.pdf).
        builder.Property(a => a.Title).IsSealed();
        builder.Property(a => a.FileName).IsSealed();
    }
}

public static class AttachmentRules
{
    public const int TitleMax = 100;

    /// <summary>The default largest file (Attachments:MaxBytes): a few scanned pages at 300 dpi.</summary>
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    /// <summary>The type by the file's signature: %PDF-, JPEG's SOI marker, PNG's eight bytes.</summary>
    public static AttachmentType? Sniff(ReadOnlySpan<byte> head) =>
        head.StartsWith("%PDF-"u8) ? AttachmentType.Pdf
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? AttachmentType.Jpeg
        : head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? AttachmentType.Png
        : null;

    /// <summary>The type a file name promises; a name that promises another type than the content is refused.</summary>
    public static AttachmentType? OfName(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".pdf" => AttachmentType.Pdf,
        ".jpg" or ".jpeg" => AttachmentType.Jpeg,
        ".png" => AttachmentType.Png,
        _ => null,
    };

    public static string ContentType(this AttachmentType type) => type switch
    {
        AttachmentType.Pdf => "application/pdf",
        AttachmentType.Jpeg => "image/jpeg",
        _ => "image/png",
    };

    public static string Japanese(this AttachmentType type) => type switch
    {
        AttachmentType.Pdf => "PDF",
        AttachmentType.Jpeg => "JPEG画像",
        _ => "PNG画像",
    };

    /// <summary>A size as staff read it: 1.2 MB, 350 KB.</summary>
    public static string SizeText(long bytes) => bytes >= 1024 * 1024
        ? $"{bytes / (1024.0 * 1024):0.#} MB"
        : $"{Math.Max(1, (bytes + 1023) / 1024)} KB";

    /// <summary>The content's SHA-256, as the row keeps it.</summary>
    public static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
