namespace Tsunagu.Indicators;

/// <summary>How a figure was counted. A figure without its basis cannot be reproduced next year.</summary>
public enum CountingBasis
{
    Unknown = 0,
    DistinctPersons = 1,    // 実人数
    TotalPersons = 2,       // 延べ人数
    DistinctHouseholds = 3, // 実世帯数
    TotalContacts = 4,      // 延べ件数
    Times = 5,              // 回数 (sessions held, distributions made)
    Headcount = 6,          // 人員数 (staff placed)
    Rate = 7,               // 率
    Amount = 8,             // 金額
    Places = 9,             // 箇所数
    Copies = 10,            // 部数・冊数
}

public static class CountingBasisText
{
    public static string Japanese(this CountingBasis basis) => basis switch
    {
        CountingBasis.DistinctPersons => "実人数",
        CountingBasis.TotalPersons => "延べ人数",
        CountingBasis.DistinctHouseholds => "実世帯数",
        CountingBasis.TotalContacts => "延べ件数",
        CountingBasis.Times => "回数",
        CountingBasis.Headcount => "人員数",
        CountingBasis.Rate => "率",
        CountingBasis.Amount => "金額",
        CountingBasis.Places => "箇所数",
        CountingBasis.Copies => "部数",
        _ => "不明",
    };

    /// <summary>The basis a printed unit implies; 延べ (in the label or as a prefix) turns persons into contacts.</summary>
    public static CountingBasis Infer(string? unit, bool total) => unit switch
    {
        "人" => total ? CountingBasis.TotalPersons : CountingBasis.DistinctPersons,
        "世帯" => total ? CountingBasis.TotalContacts : CountingBasis.DistinctHouseholds,
        "件" => CountingBasis.TotalContacts,
        "回" => CountingBasis.Times,
        "名" => CountingBasis.Headcount,
        "%" => CountingBasis.Rate,
        "円" or "千円" or "万円" => CountingBasis.Amount,
        "校" or "か所" or "ヶ所" or "カ所" or "箇所" or "施設" or "団体" => CountingBasis.Places,
        "冊" or "部" => CountingBasis.Copies,
        _ => CountingBasis.Unknown,
    };
}
