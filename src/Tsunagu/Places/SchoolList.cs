using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Reports.Files;

namespace Tsunagu.Places;

public sealed record SchoolListResult(int Added, int Updated, int OtherTypes, IReadOnlyList<FileError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Loads MEXT's 学校コード list (as published, or cut down to the city's schools): .csv or .xlsx with the columns
/// 学校コード and 学校名, optionally 課程. The 学校種 and 設置区分 are read from the code itself. Schools are matched by
/// code, so loading next year's list updates names and adds new schools; rows of school types Tsunagu has no use for
/// (幼稚園, 大学…) are counted and left out. Any bad row: nothing is written.
/// </summary>
public sealed class SchoolList(TsunaguDb db)
{
    // 学校種, the code's first two characters.
    static readonly Dictionary<string, SchoolType> Types = new()
    {
        ["B1"] = SchoolType.Elementary,
        ["C1"] = SchoolType.JuniorHigh,
        ["C2"] = SchoolType.Compulsory,
        ["D1"] = SchoolType.HighSchool,
        ["D2"] = SchoolType.Secondary,
        ["E1"] = SchoolType.SpecialNeeds,
        ["G1"] = SchoolType.TechnicalCollege,
        ["H1"] = SchoolType.Vocational,
    };

    static readonly string[] OtherKnownTypes = ["A1", "A2", "F1", "F2", "H2"];

    // 設置区分, the code's fifth character.
    static readonly Dictionary<char, string> Founders = new() { ['1'] = "国立", ['2'] = "公立", ['3'] = "私立" };

    public async Task<SchoolListResult> LoadAsync(string path, string actor, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new List<FileError>();
        var schools = new Dictionary<string, (string Name, SchoolType Type, string Founder, string? Course)>();
        var otherTypes = 0;
        try
        {
            var file = TableFile.Open(path);
            var records = file.ReadRecords().Where(r => !r.IsBlank);
            var header = records.FirstOrDefault() ?? throw new FileErrorException(file.Error(null, null, "空のファイルです。"));
            var (codeAt, nameAt, courseAt) = (header.ColumnOf("学校コード"), header.ColumnOf("学校名"), header.ColumnOf("課程"));
            if (codeAt < 0 || nameAt < 0)
            {
                throw new FileErrorException(file.Error(header.Line, null, "見出しに「学校コード」と「学校名」の列が必要です。"));
            }
            foreach (var record in records.Skip(1))
            {
                string Cell(int i) => i >= 0 && i < record.Fields.Count ? record.Fields[i].Trim() : "";
                var code = Cell(codeAt).Normalize(NormalizationForm.FormKC).ToUpperInvariant();
                var name = Cell(nameAt);
                if (!School.IsValidCode(code) || !code[2..].All(char.IsAsciiDigit) || !Founders.ContainsKey(code[4]))
                {
                    errors.Add(file.Error(record.Line, codeAt, "学校コード: 13桁の学校コード（学校種2文字と数字11桁）ではありません。"));
                }
                else if (!Types.TryGetValue(code[..2], out var type))
                {
                    if (!OtherKnownTypes.Contains(code[..2]))
                    {
                        errors.Add(file.Error(record.Line, codeAt, $"学校コード: 学校種「{code[..2]}」が分かりません。"));
                    }
                    otherTypes++;
                }
                else if (name.Length == 0)
                {
                    errors.Add(file.Error(record.Line, nameAt, "学校名: 空です。"));
                }
                else if (!schools.TryAdd(code, (name, type, Founders[code[4]], Cell(courseAt) is { Length: > 0 } course ? course : null)))
                {
                    errors.Add(file.Error(record.Line, codeAt, "学校コード: 同じ学校コードの行がほかにもあります。"));
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
            return new SchoolListResult(0, 0, otherTypes, errors);
        }

        // A city's list is a few hundred schools, a prefecture's a few thousand: one query and one save.
        var existing = await db.Schools.ToDictionaryAsync(s => s.Code, ct);
        var (added, updated) = (0, 0);
        foreach (var (code, s) in schools)
        {
            if (!existing.TryGetValue(code, out var school))
            {
                db.Schools.Add(new School { Code = code, Name = s.Name, Type = s.Type, Founder = s.Founder, Course = s.Course });
                added++;
            }
            else if ((school.Name, school.Type, school.Founder, school.Course) != (s.Name, s.Type, s.Founder, s.Course))
            {
                (school.Name, school.Type, school.Founder, school.Course) = (s.Name, s.Type, s.Founder, s.Course);
                updated++;
            }
        }
        db.Audit(time, actor, Tsunagu.Audit.AuditActions.SchoolsLoad, subject: Path.GetFileName(path), after: $"追加 {added} 校、更新 {updated} 校");
        await db.SaveChangesAsync(ct);
        return new SchoolListResult(added, updated, otherTypes, []);
    }
}
