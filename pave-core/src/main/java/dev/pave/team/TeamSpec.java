package dev.pave.team;

import dev.pave.spec.Doc;
import java.util.List;

/** What a platform engineer (or the team's admins) writes to onboard a team. */
public record TeamSpec(
    @Doc(value = "Identity-provider groups and users, each with a role.", required = true)
        List<Member> members,
    @Doc("Environments the team deploys to (default: every environment of the platform).")
        List<String> environments,
    @Doc("Quota class defined by the platform (small, medium, large by default), or custom"
        + " values laid over one (default small).")
        TeamQuota size,
    @Doc(value = "How to reach whoever is on call; Applications that set none inherit it.",
        example = "pagerduty:payments-primary")
        String onCall,
    @Doc(value = "Runbook URL; Applications that set none inherit it.",
        pattern = "^https?://.+$", example = "https://runbooks.example.com/payments")
        String runbook,
    @Doc(value = "Cost center charged for the team's namespaces.", example = "cc-4711")
        String costCenter,
    @Doc(value = "Slack channel of the team.", example = "#payments") String slack,
    @Doc(value = "E-mail address of the team.", pattern = "^[^@\\s]+@[^@\\s]+$",
        example = "payments@example.com")
        String email,
    @Doc("Registries the team may pull from; narrows the platform's allow-list.")
        List<String> registries) {}
