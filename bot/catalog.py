"""Everything the bot says to customers and to the business, one catalog per language.

A business may override any key per language in its business file (`[texts.en] greet = "..."`);
`bot.replies.Texts` checks those overrides against this catalog when the file is loaded.
Each room adds its keys under its own header.
"""

from __future__ import annotations

LANGS = ("en", "de")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "greet": "Hi! I'm the booking assistant of {business}. I can book, move or cancel an appointment, or show you what's free. What can I do for you?",
        "help": "I can help you with appointments at {business}:\n• book: \"haircut with Sarah tomorrow at 10\"\n• see free times: \"what's free on Friday afternoon?\"\n• your bookings: \"my appointments\"\n• move one: \"move my appointment to Thursday 3pm\"\n• cancel one: \"cancel my appointment\"\nSay \"stop\" at any time to start over.",
        "ask_service": "Which service would you like?",
        "ask_staff": "Who would you like for your {service}?",
        "anyone": "Anyone",
        "whoever_is_free": "whoever is free",
        "ask_when": "When would you like to come for your {service}?",
        "ask_when_again": "Sorry, I didn't catch a day or time. When would you like to come? For example \"tomorrow at 10\" or \"Friday afternoon\".",
        "ask_name": "Almost done. What name should I put the booking under?",
        "ask_email": "Thanks, {name}. What email address should the confirmation go to?",
        "bad_email": "That doesn't look like an email address. Could you check it? (for example anna@example.com)",
        "bad_name": "Sorry, I need a name for the booking. What's your name?",
        "confirm_book": "Shall I book {service} with {staff} on {when} ({minutes} min) for {name}?",
        "yes": "Yes",
        "no": "No",
        "booked": "Done! You're booked: {service} with {staff} on {when}. See you then!",
        "requested": "Thanks! Your request for {service} with {staff} on {when} is with {business}, who confirm "
                     "each booking of this kind themselves. Until they do, it shows as waiting for confirmation "
                     "when you ask me for your appointments.",
        "waiting_line": " (waiting for {business} to confirm)",
        "not_booked": "No problem, I haven't booked anything.",
        "slot_gone": "Sorry, that time was just taken by someone else.",
        "alternatives": "The nearest free times are:",
        "pick_one": "Pick one of these, or tell me another time.",
        "unavailable": "Sorry, {when} isn't free for {service}{with_staff}.",
        "closed_day": "Sorry, we're closed on {day}{reason}.",
        "past": "That time is already in the past. When would you like to come?",
        "too_soon": "Sorry, bookings need at least {notice} notice.",
        "too_far": "Sorry, I can only book up to {days} days ahead.",
        "none_near": "I couldn't find a free time near that. Could you try another day?",
        "free_times": "Free times for {service}{with_staff} {period}:",
        "no_free_times": "Sorry, there's nothing free for {service}{with_staff} {period}.",
        "no_bookings": "You have no upcoming appointments. Would you like to book one?",
        "your_bookings": "Your upcoming appointments:",
        "booking_line": "{service} with {staff} on {when}",
        "which_booking_cancel": "Which appointment would you like to cancel?",
        "which_booking_move": "Which appointment would you like to move?",
        "nothing_to_cancel": "You have no upcoming appointments to cancel.",
        "nothing_to_move": "You have no upcoming appointments to move. Would you like to book one?",
        "confirm_cancel": "Cancel your {service} with {staff} on {when}?",
        "cancelled": "Your {service} on {when} is cancelled.",
        "kept": "OK, I've kept your appointment as it is.",
        "ask_new_when": "When would you like to move your {service} on {when} to?",
        "confirm_move": "Move your {service} with {staff} from {old} to {new}?",
        "confirm_rebook": "The booking system can't move an appointment, so I'd book {service} with {staff} on {new} "
                          "and then cancel the one on {old}. Shall I?",
        "rebooked_not_cancelled": "Your {service} with {staff} on {new} is booked, but I couldn't cancel the one on "
                                  "{old} just now, so both are booked at the moment. Please ask me again in a few "
                                  "minutes to cancel the one on {old}.",
        "no_new_bookings": "New appointments with {business} aren't made through this chat: please book at {link}. "
                           "I can show, move or cancel the appointments you already have.",
        "no_new_bookings_nolink": "New appointments with {business} aren't made through this chat; please contact "
                                  "{business} directly. I can show, move or cancel the appointments you already have.",
        "not_accepted": "{business} needs to look at this booking themselves, so I can't book it here. Please "
                        "contact {business} directly; nothing has been booked.",
        "needs_answer": "One more question before I can book: {question}",
        "needs_answer_unknown": "{business} needs a few more details for this booking, which I can't take here. "
                                "Please contact {business} directly; nothing has been booked.",
        "moved": "Done! Your {service} with {staff} is now on {when}.",
        "left_flow": "OK, I've stopped. Nothing was changed. What else can I do for you?",
        "nothing_to_stop": "OK. What can I do for you?",
        "not_understood": "Sorry, I didn't understand that. I can book, move or cancel appointments, or show free times. Type \"help\" for examples.",
        "off_topic": "I can only help with appointments at {business}: booking, moving or cancelling them, or showing free times.",
        "empty": "I didn't get any text. What can I do for you? For example \"book a haircut tomorrow at 10\".",
        "too_long": "That's a long message! Could you tell me in a sentence what you'd like? For example \"book a haircut tomorrow at 10\".",
        "thanks": "You're welcome!",
        "bye": "Bye! Have a great day.",
        "handoff": "I'll let the team at {business} know you'd like to talk to someone; they'll get back to you. Meanwhile I can still book, move or cancel appointments for you.",
        "staff_no_service": "{staff} doesn't do {service}. {others} can.",
        "unknown_staff": "Sorry, I don't know {staff} here. Our team: {team}.",
        "backend_down": "Sorry, I can't reach the booking system right now. Please try again in a few minutes; I've kept where we were, so you can simply say it again.",
        "confirm_first": "Please answer yes or no: {question}",
        "stale_option": "That option has expired. Here's where we are:",
        "choose_service_line": "{name} ({minutes} min)",
        "summary_when": "{when}",
        "booking_for": "under the name {name}",
        "reminder": "Reminder: your {service} with {staff} is on {when}. See you then!",
        "reminder_attend": "I'll be there",
        "reminder_move": "Move it",
        "reminder_cancel": "Cancel it",
        "attending": "Great, see you on {when}!",
        "follow_up": "Thanks for visiting {business}! We hope you enjoyed your {service}. Would you like to book your next appointment?",
        "no_show": "We missed you at your {service} on {when}. Would you like to book a new time?",
        "book_again": "Book again",
        "book_new_time": "Book a new time",
        "nudge": "You were about to book {what}. Shall we carry on?",
        "nudge_what": "a {service}",
        "nudge_any": "an appointment",
        "carry_on": "Yes, carry on",
        "no_thanks": "No thanks",
        # --- channels: what a channel itself says (flood, opt-out, a failed turn) ---
        "slow_down": "You're sending messages faster than I can answer. Please wait a minute, then write again.",
        "failed": "Sorry, something went wrong on my side. Please try again in a moment; nothing has been changed.",
        "opted_out": "You won't get any more messages from {business}. Send START to hear from us again.",
        "opted_in": "Welcome back! You'll get messages from {business} again. What can I do for you?",
        # --- business facts: prices, hours, address, policies ---
        # --- handoff and notifications to the business ---
        # --- confirmations: email and calendar file ---
    },
    "de": {
        "greet": "Hallo! Ich bin der Buchungsassistent von {business}. Ich kann Termine buchen, verschieben oder absagen oder freie Zeiten zeigen. Was kann ich für Sie tun?",
        "help": "Ich helfe Ihnen mit Terminen bei {business}:\n• buchen: „Haarschnitt morgen um 10 bei Sarah“\n• freie Zeiten: „Was ist am Freitagnachmittag frei?“\n• Ihre Termine: „meine Termine“\n• verschieben: „Termin auf Donnerstag 15 Uhr verschieben“\n• absagen: „Termin absagen“\nMit „stopp“ fangen wir jederzeit neu an.",
        "ask_service": "Welche Leistung möchten Sie?",
        "ask_staff": "Bei wem möchten Sie Ihren Termin für {service}?",
        "anyone": "Egal",
        "whoever_is_free": "der nächsten freien Person",
        "ask_when": "Wann möchten Sie zum {service} kommen?",
        "ask_when_again": "Entschuldigung, ich habe keinen Tag und keine Uhrzeit erkannt. Wann möchten Sie kommen? Zum Beispiel „morgen um 10“ oder „Freitagnachmittag“.",
        "ask_name": "Fast geschafft. Auf welchen Namen darf ich buchen?",
        "ask_email": "Danke, {name}. An welche E-Mail-Adresse soll die Bestätigung gehen?",
        "bad_email": "Das sieht nicht nach einer E-Mail-Adresse aus. Könnten Sie sie prüfen? (zum Beispiel anna@beispiel.de)",
        "bad_name": "Entschuldigung, ich brauche einen Namen für die Buchung. Wie heißen Sie?",
        "confirm_book": "Soll ich {service} bei {staff} am {when} ({minutes} Min.) für {name} buchen?",
        "yes": "Ja",
        "no": "Nein",
        "booked": "Erledigt! Ihr Termin: {service} bei {staff} am {when}. Bis dann!",
        "requested": "Danke! Ihre Anfrage für {service} bei {staff} am {when} liegt bei {business}; solche Termine "
                     "bestätigt {business} selbst. Bis dahin steht sie als unbestätigt in Ihren Terminen, wenn Sie "
                     "mich danach fragen.",
        "waiting_line": " (wartet auf Bestätigung durch {business})",
        "not_booked": "Kein Problem, ich habe nichts gebucht.",
        "slot_gone": "Entschuldigung, diese Zeit wurde gerade von jemand anderem gebucht.",
        "alternatives": "Die nächsten freien Zeiten:",
        "pick_one": "Wählen Sie eine davon oder nennen Sie mir eine andere Zeit.",
        "unavailable": "Entschuldigung, {when} ist für {service}{with_staff} nicht frei.",
        "closed_day": "Entschuldigung, am {day} haben wir geschlossen{reason}.",
        "past": "Diese Zeit liegt schon in der Vergangenheit. Wann möchten Sie kommen?",
        "too_soon": "Entschuldigung, Buchungen brauchen mindestens {notice} Vorlauf.",
        "too_far": "Entschuldigung, ich kann nur bis zu {days} Tage im Voraus buchen.",
        "none_near": "Ich habe in der Nähe keine freie Zeit gefunden. Möchten Sie einen anderen Tag versuchen?",
        "free_times": "Freie Zeiten für {service}{with_staff} {period}:",
        "no_free_times": "Entschuldigung, {period} ist für {service}{with_staff} nichts frei.",
        "no_bookings": "Sie haben keine anstehenden Termine. Möchten Sie einen buchen?",
        "your_bookings": "Ihre anstehenden Termine:",
        "booking_line": "{service} bei {staff} am {when}",
        "which_booking_cancel": "Welchen Termin möchten Sie absagen?",
        "which_booking_move": "Welchen Termin möchten Sie verschieben?",
        "nothing_to_cancel": "Sie haben keine anstehenden Termine, die ich absagen könnte.",
        "nothing_to_move": "Sie haben keine anstehenden Termine zum Verschieben. Möchten Sie einen buchen?",
        "confirm_cancel": "Ihren Termin {service} bei {staff} am {when} absagen?",
        "cancelled": "Ihr Termin {service} am {when} ist abgesagt.",
        "kept": "Gut, Ihr Termin bleibt, wie er ist.",
        "ask_new_when": "Auf wann möchten Sie Ihren Termin {service} am {when} verschieben?",
        "confirm_move": "Ihren Termin {service} bei {staff} von {old} auf {new} verschieben?",
        "confirm_rebook": "Das Buchungssystem kann Termine nicht verschieben. Ich würde daher {service} bei {staff} "
                          "am {new} buchen und danach den Termin am {old} absagen. Einverstanden?",
        "rebooked_not_cancelled": "Ihr Termin {service} bei {staff} am {new} ist gebucht, aber den Termin am {old} "
                                  "konnte ich gerade nicht absagen; im Moment sind also beide gebucht. Bitte bitten "
                                  "Sie mich in ein paar Minuten noch einmal, den Termin am {old} abzusagen.",
        "no_new_bookings": "Neue Termine bei {business} werden nicht über diesen Chat gebucht: bitte buchen Sie unter "
                           "{link}. Ihre bestehenden Termine kann ich Ihnen zeigen, verschieben oder absagen.",
        "no_new_bookings_nolink": "Neue Termine bei {business} werden nicht über diesen Chat gebucht; bitte wenden Sie "
                                  "sich direkt an {business}. Ihre bestehenden Termine kann ich Ihnen zeigen, "
                                  "verschieben oder absagen.",
        "not_accepted": "{business} möchte sich diese Buchung selbst ansehen, daher kann ich sie hier nicht buchen. "
                        "Bitte wenden Sie sich direkt an {business}; es wurde nichts gebucht.",
        "needs_answer": "Noch eine Frage, bevor ich buchen kann: {question}",
        "needs_answer_unknown": "{business} braucht für diese Buchung noch Angaben, die ich hier nicht aufnehmen kann. "
                                "Bitte wenden Sie sich direkt an {business}; es wurde nichts gebucht.",
        "moved": "Erledigt! Ihr Termin {service} bei {staff} ist jetzt am {when}.",
        "left_flow": "Gut, ich habe abgebrochen. Es wurde nichts geändert. Was kann ich sonst für Sie tun?",
        "nothing_to_stop": "Gut. Was kann ich für Sie tun?",
        "not_understood": "Entschuldigung, das habe ich nicht verstanden. Ich kann Termine buchen, verschieben oder absagen oder freie Zeiten zeigen. Schreiben Sie „Hilfe“ für Beispiele.",
        "off_topic": "Ich kann Ihnen nur mit Terminen bei {business} helfen: buchen, verschieben, absagen oder freie Zeiten zeigen.",
        "empty": "Ich habe keinen Text bekommen. Was kann ich für Sie tun? Zum Beispiel „Haarschnitt morgen um 10“.",
        "too_long": "Das ist eine lange Nachricht! Könnten Sie mir in einem Satz sagen, was Sie möchten? Zum Beispiel „Haarschnitt morgen um 10“.",
        "thanks": "Gern geschehen!",
        "bye": "Tschüss! Einen schönen Tag noch.",
        "handoff": "Ich gebe dem Team von {business} Bescheid, dass Sie jemanden sprechen möchten; man meldet sich bei Ihnen. Termine buchen, verschieben oder absagen kann ich trotzdem gleich für Sie.",
        "staff_no_service": "{staff} bietet {service} nicht an. {others} schon.",
        "unknown_staff": "Entschuldigung, {staff} kenne ich hier nicht. Unser Team: {team}.",
        "backend_down": "Entschuldigung, das Buchungssystem ist gerade nicht erreichbar. Bitte versuchen Sie es in ein paar Minuten noch einmal; ich habe mir gemerkt, wo wir waren, Sie können es also einfach noch einmal sagen.",
        "confirm_first": "Bitte antworten Sie mit Ja oder Nein: {question}",
        "stale_option": "Diese Auswahl ist nicht mehr gültig. Hier sind wir gerade:",
        "choose_service_line": "{name} ({minutes} Min.)",
        "summary_when": "{when}",
        "booking_for": "auf den Namen {name}",
        "reminder": "Erinnerung: Ihr Termin {service} bei {staff} ist am {when}. Bis dann!",
        "reminder_attend": "Ich komme",
        "reminder_move": "Verschieben",
        "reminder_cancel": "Absagen",
        "attending": "Prima, bis {when}!",
        "follow_up": "Danke für Ihren Besuch bei {business}! Wir hoffen, Ihr Termin {service} hat Ihnen gefallen. Möchten Sie gleich den nächsten Termin buchen?",
        "no_show": "Wir haben Sie zu Ihrem Termin {service} am {when} vermisst. Möchten Sie einen neuen Termin buchen?",
        "book_again": "Wieder buchen",
        "book_new_time": "Neuen Termin buchen",
        "nudge": "Sie wollten gerade {what} buchen. Sollen wir weitermachen?",
        "nudge_what": "einen Termin {service}",
        "nudge_any": "einen Termin",
        "carry_on": "Ja, weiter",
        "no_thanks": "Nein, danke",
        # --- channels: what a channel itself says (flood, opt-out, a failed turn) ---
        "slow_down": "Sie schreiben schneller, als ich antworten kann. Bitte warten Sie eine Minute und schreiben Sie dann wieder.",
        "failed": "Entschuldigung, bei mir ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal; es wurde nichts geändert.",
        "opted_out": "Sie erhalten keine Nachrichten mehr von {business}. Senden Sie ANMELDEN, um wieder von uns zu hören.",
        "opted_in": "Willkommen zurück! Sie erhalten wieder Nachrichten von {business}. Was kann ich für Sie tun?",
        # --- business facts: prices, hours, address, policies ---
        # --- handoff and notifications to the business ---
        # --- confirmations: email and calendar file ---
    },
}
