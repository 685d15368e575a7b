namespace Scrm.Customers.Model;

/// <summary>Every stored field of a customer, as kept in merge records to restore them exactly.</summary>
internal sealed record CustomerSnapshot(
    Guid Id, string Status, Guid? MergedInto, string? Name, string NameKey, string? Nickname, string? Company, string CompanyKey,
    string? Title, string? Province, string? City, string? Source, string? Industry, string? Phone, string? Email, string? CustomFields,
    string? OwnerId, long? OwnerSince, long CreatedAt, long UpdatedAt, long? LastSalesActivityAt, int OrderCount, long MonetaryCents,
    long? FirstOrderAt, long? LastOrderAt, double? Score, string? Tier, int RScore, int FScore, int MScore, string? ScoreDetail, long? ScoredAt,
    string? RegionSource = null)
{
    public static CustomerSnapshot Of(CustomerRow c) => new(
        c.Id, c.Status, c.MergedInto, c.Name, c.NameKey, c.Nickname, c.Company, c.CompanyKey, c.Title, c.Province, c.City, c.Source,
        c.Industry, c.Phone, c.Email, c.CustomFields, c.OwnerId, c.OwnerSince, c.CreatedAt, c.UpdatedAt, c.LastSalesActivityAt,
        c.OrderCount, c.MonetaryCents, c.FirstOrderAt, c.LastOrderAt, c.Score, c.Tier, c.RScore, c.FScore, c.MScore, c.ScoreDetail, c.ScoredAt, c.RegionSource);

    public void ApplyTo(CustomerRow c)
    {
        c.Status = Status; c.MergedInto = MergedInto; c.Name = Name; c.NameKey = NameKey; c.Nickname = Nickname; c.Company = Company;
        c.CompanyKey = CompanyKey; c.Title = Title; c.Province = Province; c.City = City; c.Source = Source; c.Industry = Industry;
        c.Phone = Phone; c.Email = Email; c.CustomFields = CustomFields; c.OwnerId = OwnerId; c.OwnerSince = OwnerSince;
        c.CreatedAt = CreatedAt; c.UpdatedAt = UpdatedAt; c.LastSalesActivityAt = LastSalesActivityAt; c.OrderCount = OrderCount;
        c.MonetaryCents = MonetaryCents; c.FirstOrderAt = FirstOrderAt; c.LastOrderAt = LastOrderAt; c.Score = Score; c.Tier = Tier;
        c.RScore = RScore; c.FScore = FScore; c.MScore = MScore; c.ScoreDetail = ScoreDetail; c.ScoredAt = ScoredAt;
        c.RegionSource = RegionSource;
    }
}
