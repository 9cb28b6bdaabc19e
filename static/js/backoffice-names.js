/* The back office's autocomplete boxes (Select2) are named as their select is: Select2
   names its box by the chosen value alone, so an empty box had no name for a screen
   reader (axe: aria-input-field-name). The name is the select's label, or its
   aria-label (the list filters'). */
"use strict";
function nameAutocompleteBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
        const label = select.id && document.querySelector('label[for="' + select.id + '"]');
        const name = select.getAttribute("aria-label") || (label && label.textContent.trim());
        const box = select.nextElementSibling;
        if (!name || !box || !box.classList.contains("select2")) {
            return;
        }
        box.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (part) {
            part.removeAttribute("aria-labelledby");
            part.setAttribute("aria-label", name);
        });
    });
}

// After the admin's own ready handler has drawn the boxes (admin/js/autocomplete.js):
// jQuery runs ready handlers in the order they were added, and this script comes last.
if (window.django && window.django.jQuery) {
    window.django.jQuery(nameAutocompleteBoxes);
}
