// Progressive enhancement of the report form; the form works fully without it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-report-form]");
  if (!form) return;

  // Show the identity fields only when the reporter chooses to give them.
  var details = form.querySelector(".identity-details");
  function syncIdentity() {
    var chosen = form.querySelector("input[name=identity_mode]:checked");
    if (details) details.hidden = !chosen || chosen.value === "anonymous";
  }
  form.querySelectorAll("input[name=identity_mode]").forEach(function (radio) {
    radio.addEventListener("change", syncIdentity);
  });
  syncIdentity();

  // Offer only the districts of the chosen region.
  var region = form.querySelector("select[name=region]");
  var district = form.querySelector("select[name=district]");
  function syncDistricts() {
    if (!region || !district) return;
    var label = region.selectedOptions.length ? region.selectedOptions[0].text : "";
    var any = false;
    district.querySelectorAll("optgroup").forEach(function (group) {
      var match = group.label === label;
      group.hidden = !match;
      group.disabled = !match;
      any = any || match;
    });
    var selected = district.selectedOptions[0];
    if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) {
      district.value = "";
    }
    district.closest(".field").hidden = !any;
  }
  if (region) region.addEventListener("change", syncDistricts);
  syncDistricts();

  // The operator's form: a call or a visit is written down as a transcript or minutes; a letter needs the
  // date of its postmark or stamp instead.
  var channel = form.querySelector("select[name=channel]");
  var kind = form.querySelector("input[name=transcript_kind]");
  var receivedOn = form.querySelector("input[name=received_on]");
  function syncChannel() {
    if (!channel) return;
    var letter = channel.value === "letter";
    if (kind) kind.closest(".field").hidden = letter;
    if (receivedOn) receivedOn.required = letter;
  }
  if (channel) channel.addEventListener("change", syncChannel);
  syncChannel();
})();
