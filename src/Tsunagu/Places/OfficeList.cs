using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Reports.Files;

namespace Tsunagu.Places;

public sealed record OfficeListResult(int Added, int Updated, IReadOnlyList<FileError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Loads the city's offices (区役所, 総合支所, centres) from a .csv or .xlsx with the columns 名称, 種類 and 区コード
/// (全国地方公共団体コード of the ward, may be empty). Offices are matched by name, so loading the list again updates
/// their kind and ward and adds new ones; none is removed (contacts and placements name them). Any bad row: nothing
/// is written. The demo city loads the list shipped in Places/Data/offices.csv this way too.
/// </summary>
public sealed class OfficeList(TsunaguDb db)
{
    public const string NameColumn = "名称", KindColumn = "種類", WardColumn = "区コード";

    public async Task<OfficeListResult> LoadAsync(string path, string actor, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new List<FileError>();
        var offices = new Dictionary<string, (OfficeKind Kind, string? Ward)>();
        try
        {
            var file = TableFile.Open(path);
            var records = file.ReadRecords().Where(r => !r.IsBlank);
            var header = records.FirstOrDefault() ?? throw new FileErrorException(file.Error(null, null, "空のファイルです。"));
            var (nameAt, kindAt, wardAt) = (header.ColumnOf(NameColumn), header.ColumnOf(KindColumn), header.ColumnOf(WardColumn));
            if (nameAt < 0 || kindAt < 0)
            {
                throw new FileErrorException(file.Error(header.Line, null, $"見出しに「{NameColumn}」と「{KindColumn}」の列が必要です。"));
            }
            var kinds = Enum.GetValues<OfficeKind>().ToDictionary(k => k.Japanese());
            foreach (var record in records.Skip(1))
            {
                string Cell(int i) => i >= 0 && i < record.Fields.Count ? record.Fields[i].Trim() : "";
                var (name, kindText, ward) = (Cell(nameAt), Cell(kindAt), Cell(wardAt).Normalize(System.Text.NormalizationForm.FormKC));
                if (Records.RecordRules.Line(name, Records.RecordRules.NameMax, required: true) is { } nameProblem)
                {
                    errors.Add(file.Error(record.Line, nameAt, $"{NameColumn}: {nameProblem}"));
                }
                else if (!kinds.TryGetValue(kindText, out var kind))
                {
                    errors.Add(file.Error(record.Line, kindAt, $"{KindColumn}: 「{kindText}」は {string.Join("・", kinds.Keys)} のどれでもありません。"));
                }
                else if (Records.RecordRules.WardCode(ward) is { } wardProblem)
                {
                    errors.Add(file.Error(record.Line, wardAt, $"{WardColumn}: {wardProblem}"));
                }
                else if (!offices.TryAdd(name, (kind, ward.Length == 0 ? null : ward)))
                {
                    errors.Add(file.Error(record.Line, nameAt, $"{NameColumn}: 同じ名称の行がほかにもあります。"));
                }
                if (errors.Count >= 100)
                {
                    break;
                }
            }
        }
        catch (FileErrorException e)
        {
            errors.Add(e.Error);
        }
        if (errors.Count > 0)
        {
            return new OfficeListResult(0, 0, errors);
        }

        var existing = await db.Offices.ToDictionaryAsync(o => o.Name, ct);
        var (added, updated) = (0, 0);
        foreach (var (name, o) in offices)
        {
            if (!existing.TryGetValue(name, out var office))
            {
                db.Offices.Add(new Office { Name = name, Kind = o.Kind, WardCode = o.Ward });
                added++;
            }
            else if ((office.Kind, office.WardCode) != (o.Kind, o.Ward))
            {
                (office.Kind, office.WardCode) = (o.Kind, o.Ward);
                updated++;
            }
        }
        db.Audit(time, actor, AuditActions.OfficesLoad, subject: Path.GetFileName(path), after: $"追加 {added} か所、更新 {updated} か所");
        await db.SaveChangesAsync(ct);
        return new OfficeListResult(added, updated, []);
    }

    /// <summary>One office from the places page, with the same rules as a file's row; null when added, else what is wrong.</summary>
    public async Task<string?> AddAsync(string? name, OfficeKind kind, string? wardCode, string actor, TimeProvider time)
    {
        name = name?.Trim() ?? "";
        wardCode = string.IsNullOrWhiteSpace(wardCode) ? null : wardCode.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        var problem = Records.RecordRules.Line(name, Records.RecordRules.NameMax, required: true) is { } nameProblem ? $"{NameColumn}: {nameProblem}"
            : !Enum.IsDefined(kind) ? $"{KindColumn}: 一覧から選んでください。"
            : Records.RecordRules.WardCode(wardCode) is { } wardProblem ? $"{WardColumn}: {wardProblem}"
            : await db.Offices.AnyAsync(o => o.Name == name) ? $"「{name}」はすでにあります。"
            : null;
        if (problem is not null)
        {
            return problem;
        }
        db.Offices.Add(new Office { Name = name, Kind = kind, WardCode = wardCode });
        db.Audit(time, actor, AuditActions.OfficeAdd, subject: name, after: kind.Japanese());
        await db.SaveChangesAsync();
        return null;
    }
}
