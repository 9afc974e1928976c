using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Contacts;

public class ContactRecordingTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Caseworker_RecordsAContactWithTheGuardian_SegmentsKeptByProvenance(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");

        var response = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]", new()
        {
            ["Contact.Date"] = "2024-06-15",
            ["Contact.Time"] = "10:30",
            ["Contact.Kind"] = "Consultation",
            ["Contact.Channel"] = "Visit",
            ["Contact.Duration"] = "40",
            ["Contact.With"] = world.Mother.ToString(CultureInfo.InvariantCulture),
            ["Contact.PersonSaid"] = "受験が不安",
            ["Contact.Assessment"] = "模試の補助金を案内する",
            ["Contact.AgencySaid"] = "学校から欠席が増えたと連絡",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = world.Database.NewDb();
        var contact = await db.Contacts.Include(c => c.Persons).Include(c => c.Notes).OrderBy(c => c.Id).LastAsync();
        Assert.Equal((new DateOnly(2024, 6, 15), new TimeOnly(10, 30), ContactKind.Consultation, 40), (contact.Date, contact.Time, contact.Kind, contact.DurationMinutes));
        Assert.True(contact.IsOutsideOfficeHours); // a Saturday
        Assert.Equal([world.Alice, world.Mother], contact.Persons.OrderBy(p => p.Role).Select(p => p.PersonId));
        Assert.Equal(
            [(NoteProvenance.PersonSaid, "受験が不安"), (NoteProvenance.AgencySaid, "学校から欠席が増えたと連絡"), (NoteProvenance.StaffAssessment, "模試の補助金を案内する")],
            contact.Notes.OrderBy(n => n.Provenance).Select(n => (n.Provenance, n.Text)));
        Assert.Equal(world.Users["caseworkerA"], contact.StaffName);
        var page = await client.GetDocumentAsync($"/people/{world.Alice}");
        Assert.Contains("受験が不安", page.QuerySelector("ol.timeline > li")!.TextContent);
    }

    [Fact]
    public async Task Caseworker_CannotRecordForAnotherProgramOrAnotherHousehold()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync("caseworkerA");
        var p008 = await world.ProgramIdAsync("P008");
        var before = await ContactCountAsync(world);

        var otherProgram = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]",
            new() { ["Contact.ProgramId"] = p008.ToString(CultureInfo.InvariantCulture), ["Contact.PersonSaid"] = "x" });
        var otherHousehold = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]",
            new() { ["Contact.With"] = world.Bob.ToString(CultureInfo.InvariantCulture), ["Contact.PersonSaid"] = "x" });

        Assert.Contains("権限がありません", (await Web.WebClient.ParseAsync(otherProgram)).QuerySelector(".errors")!.TextContent);
        Assert.Contains("同じ世帯の人だけ", (await Web.WebClient.ParseAsync(otherHousehold)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(before, await ContactCountAsync(world));
    }

    static async Task<int> ContactCountAsync(RecordsWorld world)
    {
        await using var db = world.Database.NewDb();
        return await db.Contacts.CountAsync();
    }
}
