using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;

namespace Tsunagu.Pages.Account;

public class ChangePasswordModel(UserManager<TsunaguUser> users, SignInManager<TsunaguUser> signIn, AccountAdmin accounts) : PageModel
{
    [BindProperty]
    public string Current { get; set; } = "";

    [BindProperty]
    public string Next { get; set; } = "";

    [BindProperty]
    public string Confirm { get; set; } = "";

    public bool MustChange => User.HasClaim(AccessServices.MustChangePasswordClaim, "true");

    public List<string> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Next != Confirm)
        {
            Errors.Add("新しいパスワードと確認が一致しません。");
            return Page();
        }
        if (Next == Current)
        {
            Errors.Add("新しいパスワードは現在のものと変えてください。");
            return Page();
        }
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        var result = await accounts.ChangePasswordAsync(user, Current, Next);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors.Select(e => IdentityMessages.Japanese(e)));
            return Page();
        }
        await signIn.RefreshSignInAsync(user);
        return Redirect("/");
    }
}
