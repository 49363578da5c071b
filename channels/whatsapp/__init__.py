"""WhatsApp through Twilio: the channel (`channel`), its own tables (`store`) and their history (`migrations`).

Nothing is imported here, so the composition root can migrate WhatsApp's tables without
loading the Twilio SDK.
"""
